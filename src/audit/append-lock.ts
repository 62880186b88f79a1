import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { ChainHead } from './audit-event.types.js';

// Take the lease and read the head its last holder left, in one round trip.
const ACQUIRE = `if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return {1, redis.call('get', KEYS[2]) or ''}
end
return {0}`;

// Leave the head for the next holder (unless someone else holds the lease now) and let go.
const RELEASE = `local holder = redis.call('get', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then redis.call('set', KEYS[2], ARGV[2]) end
if holder then redis.call('del', KEYS[1]) end
return 1`;

/** Serialises work across processes, or not at all: what `ChainAppender` runs each write under. */
export interface AppendGate {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** The head the last lease holder left, if known and new; the caller must check it against the database. */
  lastHead(): Promise<ChainHead | null>;
  publishHead(head: ChainHead): Promise<void>;
}

/** No serialisation: the optimistic protocol alone (correct, slower under cross-process contention). */
export const OPEN_GATE: AppendGate = {
  run: (work) => work(),
  lastHead: () => Promise.resolve(null),
  publishHead: () => Promise.resolve(),
};

/**
 * A Redis lease that lets one process at a time append. Purely a throughput aid: SQLite-backed
 * FerretDB has a single writer, and appenders racing for the same positions mostly queue and lose.
 * Correctness never depends on it (unique positions do that), so when Redis is unreachable, or the
 * lease is not won within six lease lifetimes, the work runs anyway.
 *
 * A holder keeps the lease while it has more work queued (it is let go once the event loop has run
 * dry, or after `holdMs` so other processes get their turn), and only then publishes its head: a busy
 * appender pays no Redis round trip per batch, and one per take-over otherwise.
 */
export class RedisAppendLock implements AppendGate {
  private held: { token: string; since: number; head: ChainHead | null } | null = null;
  private releasing: NodeJS.Immediate | null = null;
  private fresh: ChainHead | null = null;
  private politeUntil = 0;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly leaseMs = 5000,
    private readonly holdMs = 250,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.releasing) clearImmediate(this.releasing);
    this.releasing = null;
    if (this.held && Date.now() - this.held.since >= this.holdMs) await this.release();
    if (!this.held) await this.acquire();
    try {
      return await work();
    } finally {
      // Let go once nothing more is queued here: a caller resumed by this work appends before that.
      if (this.held) this.releasing = setImmediate(() => void this.release());
    }
  }

  /** The head the previous holder left, once per take-over; nothing while this process holds on. */
  lastHead(): Promise<ChainHead | null> {
    const head = this.fresh;
    this.fresh = null;
    return Promise.resolve(head);
  }

  publishHead(head: ChainHead): Promise<void> {
    if (this.held) this.held.head = head;
    else return this.writeHead(head);
    return Promise.resolve();
  }

  private async writeHead(head: ChainHead): Promise<void> {
    await this.redis.set(`${this.key}:head`, `${head.seq} ${head.hash}`).catch(() => undefined);
  }

  private async release(): Promise<void> {
    const held = this.held;
    this.releasing = null;
    if (!held) return;
    this.held = null;
    if (Date.now() - held.since >= this.holdMs) this.politeUntil = Date.now() + 10; // others' turn
    const head = held.head ? `${held.head.seq} ${held.head.hash}` : '';
    await this.redis.eval(RELEASE, 2, this.key, `${this.key}:head`, held.token, head).catch(() => undefined);
  }

  private async acquire(): Promise<void> {
    const token = randomUUID();
    if (this.politeUntil > Date.now()) await sleep(this.politeUntil - Date.now());
    // Waiting is the point: a dead holder's lease expires; only a sick Redis should make us give up.
    const deadline = Date.now() + this.leaseMs * 6;
    for (let attempt = 0; Date.now() < deadline; attempt += 1) {
      let reply: unknown;
      try {
        reply = await this.redis.eval(ACQUIRE, 2, this.key, `${this.key}:head`, token, this.leaseMs);
      } catch {
        this.fresh = await this.readHead();
        return;
      }
      if (Array.isArray(reply) && reply[0] === 1) {
        this.held = { token, since: Date.now(), head: null };
        this.fresh = parseHead(reply[1]);
        return;
      }
      await sleep(Math.min(10, 1 + attempt) * Math.random());
    }
    this.fresh = await this.readHead();
  }

  private async readHead(): Promise<ChainHead | null> {
    return parseHead(await this.redis.get(`${this.key}:head`).catch(() => null));
  }
}

function parseHead(text: unknown): ChainHead | null {
  if (typeof text !== 'string' || !text) return null;
  const [seq, hash] = text.split(' ');
  return seq && hash ? { seq: Number(seq), hash } : null;
}
