import { NotFoundError } from '../platform/errors.js';
import type { Logger } from '../platform/index.js';
import type { QueueIndex } from './queue-index.js';
import type { QueueRow } from './queue-row.js';
import type { WorkflowRepository } from './workflow.repository.js';

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
    private readonly repository: WorkflowRepository,
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
}
