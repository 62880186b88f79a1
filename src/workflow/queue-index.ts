import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { QueueRow } from './queue-row.js';
import { QUEUED_STATUSES } from './workflow-incidents.js';
import { NO_DEADLINE, type WorkflowIncident } from './workflow.types.js';

/**
 * Moves one incident in the index, only forward in version (a slower writer never puts back an older
 * row). Sorted sets per queue: `q:<queue>` by urgency (member `<severity>|<id>`, so equal due times
 * sort by severity), `s:<queue>:<severity>` for counts, `a:<queue>` by report time, `u:<queue>` the
 * unassigned. For the filters, `f:<queue>:<kind>:<value>` per severity (`s`), bureau (`b`), status
 * (`t`) and assignee (`a`, `none` for nobody), with the same members and scores as `q:<queue>` so an
 * intersection keeps its order; `fb:<queue>` and `fa:<queue>` count the rows per bureau and assignee
 * (the filters' choices, and a check that the queue's filter sets are complete), `fn:<queue>` names
 * the assignees. Keys are built inside the script, so it needs a standalone Redis (or one hash slot).
 */
const PUT = `
local p, id, v = ARGV[1], ARGV[2], tonumber(ARGV[3])
local row = p .. 'r:' .. id
local old = redis.call('HMGET', row, 'v', 'q', 's', 'b', 't', 'a')
if old[1] and tonumber(old[1]) > v then return 0 end
if old[2] and old[2] ~= '' then
  local oq, m = old[2], old[3] .. '|' .. id
  redis.call('ZREM', p .. 'q:' .. oq, m)
  redis.call('ZREM', p .. 's:' .. oq .. ':' .. old[3], id)
  redis.call('ZREM', p .. 'a:' .. oq, id)
  redis.call('ZREM', p .. 'u:' .. oq, id)
  if old[4] then
    redis.call('ZREM', p .. 'f:' .. oq .. ':s:' .. old[3], m)
    redis.call('ZREM', p .. 'f:' .. oq .. ':b:' .. old[4], m)
    redis.call('ZREM', p .. 'f:' .. oq .. ':t:' .. old[5], m)
    redis.call('ZREM', p .. 'f:' .. oq .. ':a:' .. old[6], m)
    if redis.call('HINCRBY', p .. 'fb:' .. oq, old[4], -1) <= 0 then redis.call('HDEL', p .. 'fb:' .. oq, old[4]) end
    if redis.call('HINCRBY', p .. 'fa:' .. oq, old[6], -1) <= 0 then
      redis.call('HDEL', p .. 'fa:' .. oq, old[6])
      redis.call('HDEL', p .. 'fn:' .. oq, old[6])
    end
  end
end
local q, s = ARGV[4], ARGV[5]
if q == '' then
  redis.call('HSET', row, 'v', v, 'q', '', 's', '')
  redis.call('HDEL', row, 'j', 'b', 't', 'a')
  return 1
end
local m, score = s .. '|' .. id, ARGV[6]
local b, t, a = ARGV[10], ARGV[11], ARGV[12]
redis.call('ZADD', p .. 'q:' .. q, score, m)
redis.call('ZADD', p .. 's:' .. q .. ':' .. s, score, id)
redis.call('ZADD', p .. 'a:' .. q, ARGV[7], id)
if ARGV[9] == '1' then redis.call('ZADD', p .. 'u:' .. q, score, id) end
redis.call('ZADD', p .. 'f:' .. q .. ':s:' .. s, score, m)
redis.call('ZADD', p .. 'f:' .. q .. ':b:' .. b, score, m)
redis.call('ZADD', p .. 'f:' .. q .. ':t:' .. t, score, m)
redis.call('ZADD', p .. 'f:' .. q .. ':a:' .. a, score, m)
redis.call('HINCRBY', p .. 'fb:' .. q, b, 1)
redis.call('HINCRBY', p .. 'fa:' .. q, a, 1)
if a ~= 'none' then redis.call('HSET', p .. 'fn:' .. q, a, ARGV[13]) end
redis.call('SADD', p .. 'queues', q)
redis.call('HSET', row, 'v', v, 'q', q, 's', s, 'j', ARGV[8], 'b', b, 't', t, 'a', a)
return 1
`;

/**
 * One page of a queue through its filter sets: the intersection of the chosen sets (or the queue
 * itself, or the one chosen set) in the queue's order, and how many match. The intersection is built
 * in a key of the caller's (`ARGV[2]`), read and deleted in the same script, so nothing is left.
 */
const FILTERED = `
local p, tmp, offset, limit, n = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local source = ARGV[6]
local total
if n > 1 then
  local keys = {}
  for i = 1, n do keys[i] = ARGV[6 + i] end
  total = redis.call('ZINTERSTORE', tmp, n, unpack(keys))
  source = tmp
else
  if n == 1 then source = ARGV[7] end
  total = redis.call('ZCARD', source)
end
local members = redis.call('ZRANGE', source, offset, offset + limit - 1)
if n > 1 then redis.call('DEL', tmp) end
return { total, members }
`;

const SEVERITY_KEYS = ['S1', 'S2', 'S3', 'S4', 'none'];

/** The queue row of an incident (what the listing shows). */
/** What a queue row and its place in the queues are made of. */
export type QueuedIncident = Pick<
  WorkflowIncident,
  | 'id'
  | 'ref'
  | 'bureauId'
  | 'status'
  | 'severity'
  | 'triage'
  | 'reportedAt'
  | 'nextDueAt'
  | 'assignee'
  | 'revision'
  | 'clockSeq'
>;

export function queueRowOf(incident: QueuedIncident): QueueRow {
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

/** What a queue page may be narrowed to; all given ones must hold. */
export interface QueueFilter {
  severity?: string;
  bureauId?: string;
  status?: string;
  /** A user id, or `none` for the unassigned. */
  assignee?: string;
  /** Only what this user holds (the "mine" box; with `assignee` too, both must hold). */
  mine?: string;
}

/** A filtered page of a queue, the number matching, and the choices its filters offer. */
export interface FilteredRows {
  rows: QueueRow[];
  total: number;
  /** Rows in the whole queue. */
  size: number;
  bureaux: string[];
  assignees: Array<{ userId: string; name: string }>;
}

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
  async put(incident: QueuedIncident): Promise<void> {
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
      incident.bureauId,
      incident.status,
      incident.assignee?.userId ?? 'none',
      incident.assignee?.name ?? '',
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

  /**
   * A page of a queue narrowed by `filter`, most urgent first, from the filter sets (no row outside
   * the page is read). Null when the queue's filter sets are not complete (rows filed before they
   * existed, until the clock reconciler files them again): the caller then filters another way.
   */
  async filteredPage(
    queue: string,
    filter: QueueFilter,
    limit: number,
    offset: number,
  ): Promise<FilteredRows | null> {
    const p = this.prefix;
    const [size, counts, held, names] = await Promise.all([
      this.redis.zcard(`${p}q:${queue}`),
      this.redis.hgetall(`${p}fb:${queue}`),
      this.redis.hgetall(`${p}fa:${queue}`),
      this.redis.hgetall(`${p}fn:${queue}`),
    ]);
    const filed = Object.values(counts).reduce((sum, count) => sum + Number(count), 0);
    if (filed !== size) return null;
    const sets = [
      ...(filter.severity ? [`${p}f:${queue}:s:${filter.severity}`] : []),
      ...(filter.bureauId ? [`${p}f:${queue}:b:${filter.bureauId}`] : []),
      ...(filter.status ? [`${p}f:${queue}:t:${filter.status}`] : []),
      ...(filter.assignee ? [`${p}f:${queue}:a:${filter.assignee}`] : []),
      ...(filter.mine ? [`${p}f:${queue}:a:${filter.mine}`] : []),
    ];
    const [total, members] = (await this.redis.eval(
      FILTERED,
      0,
      p,
      `${p}tmp:${randomUUID()}`,
      offset,
      limit,
      sets.length,
      `${p}q:${queue}`,
      ...sets,
    )) as [number, string[]];
    const rows = await this.rows(members.map((m) => m.slice(m.indexOf('|') + 1)));
    const assignees = Object.keys(held)
      .filter((userId) => userId !== 'none' && Number(held[userId]) > 0)
      .map((userId) => ({ userId, name: names[userId] ?? userId }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { rows, total, size, bureaux: Object.keys(counts).sort(), assignees };
  }

  /** Rows of `queue` held by `userId`, most urgent first (at most `limit`); null as for filteredPage. */
  async heldBy(queue: string, userId: string, limit: number): Promise<QueueRow[] | null> {
    const found = await this.filteredPage(queue, { mine: userId }, limit, 0);
    return found?.rows ?? null;
  }

  /** Rows of `queue` with a running clock due before `at`, most urgent first (at most `limit`). */
  async dueBefore(queue: string, at: Date, limit: number): Promise<QueueRow[]> {
    const members = await this.redis.zrangebyscore(
      `${this.prefix}q:${queue}`,
      '-inf',
      `(${at.getTime()}`,
      'LIMIT',
      0,
      limit,
    );
    return this.rows(members.map((m) => m.slice(m.indexOf('|') + 1)));
  }
}
