import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { ChainHead } from './audit-event.types.js';

const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** Serialises work across processes, or not at all: what `ChainAppender` runs each write under. */
export interface AppendGate {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** The head the last lease holder left, if known; the caller must check it against the database. */
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
 */
export class RedisAppendLock implements AppendGate {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly leaseMs = 5000,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    const token = randomUUID();
    const held = await this.acquire(token);
    try {
      return await work();
    } finally {
      if (held) await this.redis.eval(RELEASE, 1, this.key, token).catch(() => undefined);
    }
  }

  async lastHead(): Promise<ChainHead | null> {
    const text = await this.redis.get(`${this.key}:head`).catch(() => null);
    if (!text) return null;
    const [seq, hash] = text.split(' ');
    return seq && hash ? { seq: Number(seq), hash } : null;
  }

  async publishHead(head: ChainHead): Promise<void> {
    await this.redis.set(`${this.key}:head`, `${head.seq} ${head.hash}`).catch(() => undefined);
  }

  private async acquire(token: string): Promise<boolean> {
    // Waiting is the point: a dead holder's lease expires; only a sick Redis should make us give up.
    const deadline = Date.now() + this.leaseMs * 6;
    for (let attempt = 0; Date.now() < deadline; attempt += 1) {
      try {
        if ((await this.redis.set(this.key, token, 'PX', this.leaseMs, 'NX')) === 'OK') return true;
      } catch {
        return false;
      }
      await sleep(Math.min(10, 1 + attempt) * Math.random());
    }
    return false;
  }
}
