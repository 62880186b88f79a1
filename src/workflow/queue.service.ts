import { NotFoundError, type Logger } from '../platform/index.js';
import type { FilteredRows, QueueFilter, QueueIndex } from './queue-index.js';
import type { QueueRow } from './queue-row.js';
import type { WorkflowIncidents } from './workflow-incidents.js';

/** One team queue at a glance. */
export interface QueueSummary {
  queue: string;
  total: number;
  unassigned: number;
  bySeverity: Record<string, number>;
  oldest: { id: string; ref: string; reportedAt: Date } | null;
  nextDue: { id: string; ref: string; dueAt: Date } | null;
}

/** A page of a queue's incidents, most urgent first. */
export interface QueuePage {
  queue: string;
  items: QueueRow[];
  /** Offset of the next page, or null on the last one. */
  nextOffset: number | null;
}

/** A filtered page of a queue, with the number matching and the choices its filters offer. */
export interface FilteredQueuePage extends Omit<FilteredRows, 'rows' | 'size'> {
  queue: string;
  items: QueueRow[];
}

const byUrgency = (a: QueueRow, b: QueueRow): number =>
  (a.nextDueAt?.getTime() ?? Infinity) - (b.nextDueAt?.getTime() ?? Infinity);

function matches(row: QueueRow, filter: QueueFilter): boolean {
  if (filter.severity && (row.severity ?? 'none') !== filter.severity) return false;
  if (filter.bureauId && row.bureauId !== filter.bureauId) return false;
  if (filter.status && row.status !== filter.status) return false;
  const holder = row.assignee?.userId ?? 'none';
  if (filter.assignee && holder !== filter.assignee) return false;
  if (filter.mine && holder !== filter.mine) return false;
  return true;
}

function summarise(queue: string, rows: readonly QueueRow[]): QueueSummary {
  const bySeverity: Record<string, number> = { S1: 0, S2: 0, S3: 0, S4: 0 };
  let oldest: QueueSummary['oldest'] = null;
  let nextDue: QueueSummary['nextDue'] = null;
  for (const row of rows) {
    const severity = row.severity ?? 'none';
    bySeverity[severity] = (bySeverity[severity] ?? 0) + 1;
    if (!oldest || row.reportedAt < oldest.reportedAt)
      oldest = { id: row.id, ref: row.ref, reportedAt: row.reportedAt };
    if (row.nextDueAt && (!nextDue || row.nextDueAt < nextDue.dueAt))
      nextDue = { id: row.id, ref: row.ref, dueAt: row.nextDueAt };
  }
  return {
    queue,
    total: rows.length,
    unassigned: rows.filter((r) => !r.assignee).length,
    bySeverity,
    oldest,
    nextDue,
  };
}

/**
 * The responders' team queues (CERT roles only: the routes declare `queue.read`). A queue exists when
 * the policy routes to it, or when incidents sit in it (routed there by an earlier policy version).
 */
export class QueueService {
  constructor(
    private readonly repository: WorkflowIncidents,
    private readonly index: QueueIndex,
    private readonly logger: Logger,
    private readonly knownQueues: () => readonly string[],
  ) {}

  /**
   * Every queue: counts by severity, the oldest report, the next due clock. The policy's queues are
   * listed even when empty, so a team sees its queue at zero rather than no queue at all.
   */
  async summaries(): Promise<QueueSummary[]> {
    const found = await this.foundSummaries();
    const listed = new Set(found.map((s) => s.queue));
    const empty = this.knownQueues()
      .filter((queue) => !listed.has(queue))
      .map((queue) => summarise(queue, []));
    return [...found, ...empty].sort((a, b) => a.queue.localeCompare(b.queue));
  }

  private async foundSummaries(): Promise<QueueSummary[]> {
    try {
      return (await this.index.summaries()).map((s) => ({
        ...s,
        oldest: s.oldest ? { id: s.oldest.id, ref: s.oldest.ref, reportedAt: s.oldest.reportedAt } : null,
        nextDue: s.nextDue?.nextDueAt
          ? { id: s.nextDue.id, ref: s.nextDue.ref, dueAt: s.nextDue.nextDueAt }
          : null,
      }));
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message },
        'queue index unavailable; summing up from the database',
      );
      return this.scanSummaries();
    }
  }

  /** The same from one scan of the incidents (slow on FerretDB: the fallback when Redis is away). */
  async scanSummaries(): Promise<QueueSummary[]> {
    const byQueue = new Map<string, QueueRow[]>();
    for (const row of await this.repository.queuedRows()) {
      const list = byQueue.get(row.queue) ?? [];
      list.push(row);
      byQueue.set(row.queue, list);
    }
    return [...byQueue.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([queue, rows]) => summarise(queue, rows));
  }

  /**
   * A queue's incidents by clock urgency (earliest running due time), then severity. A queue the
   * policy does not route to and that holds nothing is not found (a typo must not look like calm).
   */
  async page(queue: string, limit: number, offset: number): Promise<QueuePage> {
    const rows = await this.rows(queue, limit + 1, offset);
    if (!this.knownQueues().includes(queue)) {
      const holdsAny = rows.length > 0 || (offset > 0 && (await this.rows(queue, 1, 0)).length > 0);
      if (!holdsAny) throw new NotFoundError(`Queue ${queue}`);
    }
    return { queue, items: rows.slice(0, limit), nextOffset: rows.length > limit ? offset + limit : null };
  }

  private async rows(queue: string, limit: number, offset: number): Promise<QueueRow[]> {
    try {
      return await this.index.page(queue, limit, offset);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'queue index unavailable; reading the database');
      return this.repository.queuePage(queue, limit, offset);
    }
  }

  /**
   * A page of a queue narrowed by `filter` (severity, bureau, status, assignee, mine), most urgent
   * first, with how many match and the bureaux and assignees to choose from. Read from the queue
   * index's filter sets: a queue of 10,000 costs what its page costs. When the index is away or not
   * yet complete, the same answer comes from one scan of the queued incidents (slow on FerretDB).
   */
  async filteredPage(
    queue: string,
    filter: QueueFilter,
    limit: number,
    offset: number,
  ): Promise<FilteredQueuePage> {
    let found: FilteredRows | null = null;
    try {
      found = await this.index.filteredPage(queue, filter, limit, offset);
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message },
        'queue index unavailable; filtering from the database',
      );
    }
    found ??= await this.scanFiltered(queue, filter, limit, offset);
    if (found.size === 0 && !this.knownQueues().includes(queue)) throw new NotFoundError(`Queue ${queue}`);
    const { rows, size: _size, ...rest } = found;
    return { queue, items: rows, ...rest };
  }

  private async scanFiltered(
    queue: string,
    filter: QueueFilter,
    limit: number,
    offset: number,
  ): Promise<FilteredRows> {
    const all = (await this.repository.queuedRows()).filter((row) => row.queue === queue);
    all.sort((a, b) => byUrgency(a, b) || (a.severity ?? 'S9').localeCompare(b.severity ?? 'S9'));
    const matching = all.filter((row) => matches(row, filter));
    const assignees = new Map(all.flatMap((r) => (r.assignee ? [[r.assignee.userId, r.assignee.name]] : [])));
    return {
      rows: matching.slice(offset, offset + limit),
      total: matching.length,
      size: all.length,
      bureaux: [...new Set(all.map((row) => row.bureauId))].sort(),
      assignees: [...assignees.entries()]
        .map(([userId, name]) => ({ userId, name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  /**
   * My work: what `userId` holds, and what is due before `soon`, across every queue, most urgent
   * first (at most `limit` of each), from the index without reading whole queues.
   */
  async work(userId: string, soon: Date, limit: number): Promise<{ mine: QueueRow[]; soon: QueueRow[] }> {
    const queues = (await this.summaries()).filter((s) => s.total > 0).map((s) => s.queue);
    try {
      const [held, due] = await Promise.all([
        Promise.all(queues.map((queue) => this.index.heldBy(queue, userId, limit))),
        Promise.all(queues.map((queue) => this.index.dueBefore(queue, soon, limit))),
      ]);
      if (held.every((rows) => rows !== null)) {
        return {
          mine: held.flat().sort(byUrgency).slice(0, limit),
          soon: due.flat().sort(byUrgency).slice(0, limit),
        };
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'queue index unavailable; reading the database');
    }
    const rows = await this.repository.queuedRows();
    return {
      mine: rows
        .filter((row) => row.assignee?.userId === userId)
        .sort(byUrgency)
        .slice(0, limit),
      soon: rows
        .filter((row) => row.nextDueAt && row.nextDueAt < soon)
        .sort(byUrgency)
        .slice(0, limit),
    };
  }
}
