import type { Redis } from 'ioredis';

/** What the list index knows of an incident: the fields its filters test, and the write's version. */
export interface ListedIncident {
  id: string;
  bureauId: string;
  status: string;
  severity: string | null;
  category: string | null;
  reportedAt: Date;
  /** Grows with every write (`revision`, then `clockSeq`): an older row never replaces a newer one. */
  version: number;
}

/** The filters the index can test; MongoDB re-checks them on the incidents it returns. */
export interface ListedFilter {
  status?: string;
  severity?: string;
  category?: string;
  reportedFrom?: Date;
  reportedTo?: Date;
}

/** A run of ids (newest first) that pass the filter, and where the walk stopped (null: at the end). */
export interface ListedRun {
  ids: string[];
  after: string | null;
}

/** The index row of an incident as written: its version from `revision` and `clockSeq`. */
export function listedOf(incident: {
  id: string;
  bureauId: string;
  status: string;
  severity?: string | null;
  facts?: { category?: unknown } | null;
  reportedAt: Date | string;
  revision?: number;
  clockSeq?: number;
}): ListedIncident {
  const category = incident.facts?.category;
  return {
    id: incident.id,
    bureauId: incident.bureauId,
    status: incident.status,
    severity: incident.severity ?? null,
    category: typeof category === 'string' ? category : null,
    reportedAt: new Date(incident.reportedAt),
    version: (incident.revision ?? 0) * 1_000_000 + (incident.clockSeq ?? 0),
  };
}

/**
 * Files one incident, only forward in version (a slower writer or a reconciler pass holding an older
 * read never puts an older row back). Every member scores 0, so a set sorts by the id itself: an
 * ObjectId's hex sorts as the ObjectId does, newest last. Per scope (`b:<bureau>` and `all`): the
 * whole list, one set per status and one per severity. Keys are built inside the script, as in the
 * responders' queue index: it needs a standalone Redis (or one hash slot).
 */
const PUT = `
local p, id, v = ARGV[1], ARGV[2], tonumber(ARGV[3])
local row = p .. 'r:' .. id
local old = redis.call('HMGET', row, 'v', 'b', 'st', 'sv')
if old[1] and tonumber(old[1]) > v then return 0 end
if old[2] then
  for _, scope in ipairs({'b:' .. old[2], 'all'}) do
    redis.call('ZREM', p .. scope .. ':st:' .. old[3], id)
    redis.call('ZREM', p .. scope .. ':sv:' .. old[4], id)
  end
  if old[2] ~= ARGV[4] then redis.call('ZREM', p .. 'b:' .. old[2], id) end
end
for _, scope in ipairs({'b:' .. ARGV[4], 'all'}) do
  redis.call('ZADD', p .. scope, 0, id)
  redis.call('ZADD', p .. scope .. ':st:' .. ARGV[5], 0, id)
  redis.call('ZADD', p .. scope .. ':sv:' .. ARGV[6], 0, id)
end
redis.call('HSET', row, 'v', v, 'b', ARGV[4], 'st', ARGV[5], 'sv', ARGV[6], 'c', ARGV[7], 't', ARGV[8])
return 1
`;

/** Ids read from Redis per step of a walk; the filters are tested on their rows in one pipeline. */
const STEP = 200;

/**
 * The incident list, newest first, as Redis sorted sets beside MongoDB (which stays the truth). Why:
 * FerretDB v1 on SQLite pushes down no sort but `$natural`, so `find({ bureauId }).sort({ _id: -1 })`
 * decodes and sorts every incident of every bureau (over a minute at 10,000). The index gives a
 * page's ids in order; the repository then reads those incidents by `_id` and re-applies the whole
 * filter, so a stale row can hide nothing it should not show. Whoever writes an incident files it
 * here (idempotent, version-guarded); the list index reconciler re-files every incident after a crash
 * or a lost Redis, and marks the index ready once it has covered the collection.
 */
export class IncidentListIndex {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.prefix = `${prefix}:wfl:`;
  }

  async put(incident: ListedIncident): Promise<void> {
    await this.redis.eval(PUT, 0, ...this.args(incident));
  }

  /** Files many incidents in one round trip (the reconciler's batches). */
  async putMany(incidents: readonly ListedIncident[]): Promise<void> {
    if (incidents.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const incident of incidents) pipeline.eval(PUT, 0, ...this.args(incident));
    for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
  }

  private args(incident: ListedIncident): Array<string | number> {
    return [
      this.prefix,
      incident.id,
      incident.version,
      incident.bureauId,
      incident.status,
      incident.severity ?? 'none',
      incident.category ?? '',
      incident.reportedAt.getTime(),
    ];
  }

  /** True once a reconciler pass has filed the whole collection (until then lists read MongoDB). */
  async ready(): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}ready`)) === 1;
  }

  async markReady(): Promise<void> {
    await this.redis.set(`${this.prefix}ready`, '1');
  }

  /** Drops an incident's row and its entries (tests simulate a lost write with it). */
  async forget(id: string): Promise<void> {
    const [bureau, status, severity] = await this.redis.hmget(`${this.prefix}r:${id}`, 'b', 'st', 'sv');
    if (bureau === null) return;
    const pipeline = this.redis.pipeline();
    for (const scope of [`b:${bureau}`, 'all']) {
      pipeline.zrem(`${this.prefix}${scope}`, id);
      pipeline.zrem(`${this.prefix}${scope}:st:${status ?? ''}`, id);
      pipeline.zrem(`${this.prefix}${scope}:sv:${severity ?? ''}`, id);
    }
    pipeline.del(`${this.prefix}r:${id}`);
    await pipeline.exec();
  }

  /**
   * Up to `want` ids of `bureauId`'s incidents (every bureau's when null) that pass `filter`, newest
   * first, older than `before` when given. The narrowest set is walked (a status, else a severity,
   * else the whole list) and the other filters are tested on the rows.
   */
  async run(
    bureauId: string | null,
    filter: ListedFilter,
    before: string | undefined,
    want: number,
  ): Promise<ListedRun> {
    const scope = bureauId === null ? 'all' : `b:${bureauId}`;
    const key = filter.status
      ? `${this.prefix}${scope}:st:${filter.status}`
      : filter.severity
        ? `${this.prefix}${scope}:sv:${filter.severity}`
        : `${this.prefix}${scope}`;
    const ids: string[] = [];
    let after = before;
    for (;;) {
      const members = await this.redis.zrevrangebylex(
        key,
        after === undefined ? '+' : `(${after}`,
        '-',
        'LIMIT',
        0,
        STEP,
      );
      const passing = await this.passing(members, filter);
      for (const id of passing) {
        ids.push(id);
        if (ids.length === want) return { ids, after: id };
      }
      if (members.length < STEP) return { ids, after: null };
      after = members.at(-1);
    }
  }

  private async passing(ids: readonly string[], filter: ListedFilter): Promise<string[]> {
    const tested =
      filter.category || filter.reportedFrom || filter.reportedTo || (filter.status && filter.severity);
    if (!tested || ids.length === 0) return [...ids];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(`${this.prefix}r:${id}`, 'sv', 'c', 't');
    const rows = (await pipeline.exec()) ?? [];
    return ids.filter((_, i) => {
      const [severity, category, reported] = (rows[i]?.[1] ?? []) as Array<string | null>;
      if (filter.severity && severity !== filter.severity) return false;
      if (filter.category && category !== filter.category) return false;
      const at = Number(reported);
      if (filter.reportedFrom && !(at >= filter.reportedFrom.getTime())) return false;
      if (filter.reportedTo && !(at < filter.reportedTo.getTime())) return false;
      return true;
    });
  }
}
