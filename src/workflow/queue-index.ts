import type { Redis } from 'ioredis';
import type { QueueRow } from './queue-row.js';
import { QUEUED_STATUSES } from './workflow.repository.js';
import { NO_DEADLINE, type WorkflowIncident } from './workflow.types.js';

/**
 * Moves one incident in the index, only forward in version (a slower writer never puts back an older
 * row). Sorted sets per queue: `q:<queue>` by urgency (member `<severity>|<id>`, so equal due times
 * sort by severity), `s:<queue>:<severity>` for counts, `a:<queue>` by report time, `u:<queue>` the
 * unassigned. Keys are built inside the script, so it needs a standalone Redis (or one hash slot).
 */
const PUT = `
local p, id, v = ARGV[1], ARGV[2], tonumber(ARGV[3])
local row = p .. 'r:' .. id
local old = redis.call('HMGET', row, 'v', 'q', 's')
if old[1] and tonumber(old[1]) > v then return 0 end
if old[2] and old[2] ~= '' then
  local m = old[3] .. '|' .. id
  redis.call('ZREM', p .. 'q:' .. old[2], m)
  redis.call('ZREM', p .. 's:' .. old[2] .. ':' .. old[3], id)
  redis.call('ZREM', p .. 'a:' .. old[2], id)
  redis.call('ZREM', p .. 'u:' .. old[2], id)
end
local q, s = ARGV[4], ARGV[5]
if q == '' then
  redis.call('HSET', row, 'v', v, 'q', '', 's', '')
  redis.call('HDEL', row, 'j')
  return 1
end
redis.call('ZADD', p .. 'q:' .. q, ARGV[6], s .. '|' .. id)
redis.call('ZADD', p .. 's:' .. q .. ':' .. s, ARGV[6], id)
redis.call('ZADD', p .. 'a:' .. q, ARGV[7], id)
if ARGV[9] == '1' then redis.call('ZADD', p .. 'u:' .. q, ARGV[6], id) end
redis.call('SADD', p .. 'queues', q)
redis.call('HSET', row, 'v', v, 'q', q, 's', s, 'j', ARGV[8])
return 1
`;

const SEVERITY_KEYS = ['S1', 'S2', 'S3', 'S4', 'none'];

/** The queue row of an incident (what the listing shows). */
export function queueRowOf(incident: WorkflowIncident): QueueRow {
  return {
    id: incident.id,
    ref: incident.ref,
    bureauId: incident.bureauId,
    status: incident.status,
    severity: incident.severity,
    queue: incident.triage?.queue ?? '',
    reportedAt: incident.reportedAt,
    nextDueAt: incident.nextDueAt,
    assignee: incident.assignee,
  };
}

const parseRow = (json: string): QueueRow => {
  const raw = JSON.parse(json) as QueueRow & { reportedAt: string; nextDueAt: string | null };
  return {
    ...raw,
    reportedAt: new Date(raw.reportedAt),
    nextDueAt: raw.nextDueAt ? new Date(raw.nextDueAt) : null,
  };
};

/** Per-queue counts and extremes read from the index. */
export interface IndexedSummary {
  queue: string;
  total: number;
  unassigned: number;
  bySeverity: Record<string, number>;
  oldest: QueueRow | null;
  nextDue: QueueRow | null;
}

/**
 * The team queues as Redis sorted sets, derived from the incidents (MongoDB stays the truth and the
 * clock reconciler rebuilds the index from it). Why not MongoDB's own index: FerretDB v1 on SQLite
 * does not push sorts down, so a queue page over 10,000 open incidents scans them all (seconds).
 */
export class QueueIndex {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.prefix = `${prefix}:wfq:`;
  }

  /** Puts the incident where it belongs now (or out of every queue once it is no longer worked). */
  async put(incident: WorkflowIncident): Promise<void> {
    const row = queueRowOf(incident);
    const queued = QUEUED_STATUSES.includes(incident.status) && row.queue !== '';
    const version = incident.revision * 1_000_000 + incident.clockSeq;
    await this.redis.eval(
      PUT,
      0,
      this.prefix,
      incident.id,
      version,
      queued ? row.queue : '',
      incident.severity ?? 'none',
      (incident.nextDueAt ?? NO_DEADLINE).getTime(),
      new Date(incident.reportedAt).getTime(),
      JSON.stringify(row),
      incident.assignee ? '0' : '1',
    );
  }

  private async rows(ids: readonly string[]): Promise<QueueRow[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(`${this.prefix}r:${id}`, 'j');
    const results = (await pipeline.exec()) ?? [];
    return results
      .map(([, json]) => json)
      .filter((json): json is string => typeof json === 'string')
      .map(parseRow);
  }

  /** A page of a queue, most urgent first. */
  async page(queue: string, limit: number, offset: number): Promise<QueueRow[]> {
    const members = await this.redis.zrange(`${this.prefix}q:${queue}`, offset, offset + limit - 1);
    return this.rows(members.map((m) => m.slice(m.indexOf('|') + 1)));
  }

  async summaries(): Promise<IndexedSummary[]> {
    const queues = (await this.redis.smembers(`${this.prefix}queues`)).sort();
    return Promise.all(
      queues.map(async (queue) => {
        const counts = await Promise.all(
          SEVERITY_KEYS.map((s) => this.redis.zcard(`${this.prefix}s:${queue}:${s}`)),
        );
        const [first, oldest, unassigned] = await Promise.all([
          this.redis.zrange(`${this.prefix}q:${queue}`, 0, 0),
          this.redis.zrange(`${this.prefix}a:${queue}`, 0, 0),
          this.redis.zcard(`${this.prefix}u:${queue}`),
        ]);
        const nextRow = (await this.rows(first.map((m) => m.slice(m.indexOf('|') + 1)))).at(0);
        const oldestRow = (await this.rows(oldest)).at(0);
        const bySeverity = Object.fromEntries(SEVERITY_KEYS.map((s, i) => [s, counts[i] ?? 0]));
        if (bySeverity.none === 0) delete bySeverity.none;
        return {
          queue,
          total: counts.reduce((a, b) => a + b, 0),
          unassigned,
          bySeverity,
          oldest: oldestRow ?? null,
          nextDue: nextRow?.nextDueAt ? nextRow : null,
        };
      }),
    );
  }
}
