import type { Redis } from 'ioredis';
import { mongo } from 'mongoose';
import { valueWithin } from '../platform/index.js';

/** A write for a relay to look at: its document, and its outboxes as the write stored them if known. */
export interface RelayHint {
  collection: string;
  id: unknown;
  drafts?: unknown[];
  jobs?: unknown[];
}

/** Hints kept at most: past this the oldest go, and the sweeps find their documents instead. */
const MAX_WAITING = 100_000;
/** A Redis answer later than this counts as none: a hint is an aid, the sweep is the guarantee. */
const REDIS_TIMEOUT_MS = 500;

/**
 * The hand-off of written documents from processes that serve requests to the processes that relay
 * (the background role, on worker processes): a Redis list of hints. The writer pushes the document's
 * id with its outboxes as stored, in canonical Extended JSON, so the relay gets the drafts with their
 * exact BSON types (its `$pullAll` removes them by value) without reading the document back. Losing
 * a hint (Redis away, restarted from an older AOF, the list capped) delays that document until the
 * next sweep; it loses nothing.
 */
export class RelayHints {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  /** Pushes a hint; resolves false when Redis did not take it (the sweep will find the document). */
  async publish(hint: RelayHint): Promise<boolean> {
    const line = mongo.BSON.EJSON.stringify(
      { c: hint.collection, id: hint.id, d: hint.drafts ?? null, j: hint.jobs ?? null },
      { relaxed: false },
    );
    const pushed = this.redis.multi().rpush(this.key, line).ltrim(this.key, -MAX_WAITING, -1).exec();
    return (await valueWithin(pushed, REDIS_TIMEOUT_MS)) !== undefined;
  }

  /** Takes up to `max` hints, oldest first; none when Redis does not answer in time. */
  async take(max: number): Promise<RelayHint[]> {
    const lines = await valueWithin(this.redis.lpop(this.key, max), REDIS_TIMEOUT_MS);
    if (!lines) return [];
    const hints: RelayHint[] = [];
    for (const line of lines) {
      const hint = parseHint(line);
      if (hint) hints.push(hint);
    }
    return hints;
  }
}

function parseHint(line: string): RelayHint | null {
  try {
    const raw = mongo.BSON.EJSON.parse(line, { relaxed: false }) as {
      c?: unknown;
      id?: unknown;
      d?: unknown;
      j?: unknown;
    };
    if (typeof raw.c !== 'string' || raw.id === undefined) return null;
    return {
      collection: raw.c,
      id: raw.id,
      ...(Array.isArray(raw.d)
        ? { drafts: raw.d as unknown[], jobs: Array.isArray(raw.j) ? raw.j : [] }
        : {}),
    };
  } catch {
    return null; // not ours or damaged: the sweep covers whatever it pointed at
  }
}
