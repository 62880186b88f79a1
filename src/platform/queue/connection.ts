import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Redis connections, one per role, as BullMQ's production guide asks: producers fail fast when Redis is
 * down (no offline queue, so an API call never hangs), workers and blocking reads retry forever.
 */
export type RedisRole = 'producer' | 'worker' | 'general';

export function createRedis(url: string, role: RedisRole, logger: Logger): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: false }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  const redis = new Redis(url, {
    ...options,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    // A dead Redis emits an error per reconnect attempt; log at most one line per 10 s per connection.
    const now = Date.now();
    if (now - lastLogged > 10_000) {
      lastLogged = now;
      logger.warn({ role, err: err.message }, 'redis connection error');
    }
  });
  return redis;
}

/** True when Redis answers PING right now. */
export async function redisReachable(redis: Redis): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    await redis.ping();
    return true;
  } catch {
    return false;
  }
}
