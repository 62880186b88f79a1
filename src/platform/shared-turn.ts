import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Takes the turn when it is free or already this holder's, for ARGV[2] ms. */
const TAKE = `local holder = redis.call('get', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/**
 * One pass per interval across every process that runs the same background loop: a Redis key naming
 * its holder, with a time to live. A loop that scans a whole collection (the reconcilers) needs one pass per
 * interval, not one per process: on FerretDB each pass decodes the collection, and with two worker
 * processes the duplicate passes were a large share of the store's time in a chaos run.
 * When Redis does not answer, the pass goes ahead: a duplicate scan is better than none.
 */
export class SharedTurn {
  /** This holder's token: it takes its own turn again (a loop passing back to back), others wait. */
  private readonly token = `${process.pid}:${randomUUID()}`;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  /** True when this holder takes the turn, which then lasts `ms` (no other holder gets it meanwhile). */
  async take(ms: number): Promise<boolean> {
    try {
      return (await this.redis.eval(TAKE, 1, this.key, this.token, Math.max(1, Math.round(ms)))) === 1;
    } catch {
      return true;
    }
  }

  /** Keeps the turn for `ms` from now (the pause after a slow pass, which other processes respect too). */
  async hold(ms: number): Promise<void> {
    try {
      await this.redis.set(this.key, this.token, 'PX', Math.max(1, Math.round(ms)));
    } catch {
      // Redis away: the next take goes ahead anyway.
    }
  }
}

/** The turn of one background loop among the processes on one Redis prefix and one database. */
export function loopTurn(
  platform: { redis: Redis; config: { REDIS_PREFIX: string }; db: { name: string } },
  loop: string,
): SharedTurn {
  return new SharedTurn(platform.redis, `${platform.config.REDIS_PREFIX}:turn:${platform.db.name}:${loop}`);
}
