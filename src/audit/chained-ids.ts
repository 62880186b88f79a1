import type { Redis } from 'ioredis';
import { valueWithin } from '../platform/index.js';
import { RecentIds } from './recent-ids.js';

/** How long another process can learn from Redis that a draft is chained: longer than any outbox pull waits. */
const SHARED_TTL_SECONDS = 15 * 60;

/** A Redis answer later than this counts as no answer: recognising drafts is an aid, never a wait. */
const REDIS_TIMEOUT_MS = 500;

/**
 * Which drafts are in the chain already, by eventId, without reading the chain: the drafts this process
 * chained or found chained lately, and (with Redis) those any process chained in the last minutes. A
 * draft stays in its document's outbox until the relay's pull lands, so every other process's sweep
 * meets it again; asking here first keeps those sweeps from sending it back to the store.
 *
 * Only ever an aid: an id missing here (evicted, Redis restarted from an AOF a second old, Redis down)
 * is still refused by the chain's unique eventId index, which the appender reads as "chained already".
 */
export class ChainedIds {
  private readonly local = new RecentIds(50_000);

  constructor(
    private readonly redis?: Redis,
    private readonly key = 'audit-chained',
  ) {}

  /** The ids among `ids` known to be chained. */
  async known(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set(ids.filter((id) => this.local.has(id)));
    const ask = ids.filter((id) => !found.has(id));
    if (!this.redis || ask.length === 0) return found;
    const answer = await valueWithin(this.redis.mget(ask.map((id) => `${this.key}:${id}`)), REDIS_TIMEOUT_MS);
    answer?.forEach((value, index) => {
      if (value !== null) {
        found.add(ask[index]);
        this.local.add(ask[index]);
      }
    });
    return found;
  }

  /** Records ids as chained here at once, and for other processes when Redis answers. */
  async remember(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.local.add(id);
    if (!this.redis || ids.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.set(`${this.key}:${id}`, '1', 'EX', SHARED_TTL_SECONDS);
    await valueWithin(pipeline.exec(), REDIS_TIMEOUT_MS);
  }
}
