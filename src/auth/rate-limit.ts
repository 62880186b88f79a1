import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { RateLimitedError } from '../platform/index.js';
import { keyIdFromAuthorization } from './api-key.format.js';

const WINDOW_MS = 60_000;

/**
 * rate-limit-redis loads its Lua script at construction and keeps the promise. Our producer connection
 * has no offline queue, so at start (Redis not yet connected) that load fails and would stay failed
 * for ever. This store loads the script on first use instead, and reloads it and retries once after
 * any failure; with Redis down the retry fails at once, so it adds no latency.
 */
class ReloadingRedisStore extends RedisStore {
  override init(options: Options): Promise<void> {
    this.windowMs = options.windowMs;
    const notLoaded = Promise.reject(new Error('rate-limit script not loaded yet'));
    notLoaded.catch(() => undefined); // awaited (and rethrown) on first use, never unhandled
    this.incrementScriptSha = notLoaded;
    this.getScriptSha = notLoaded;
    return Promise.resolve();
  }

  override async increment(key: string): ReturnType<RedisStore['increment']> {
    try {
      return await super.increment(key);
    } catch {
      this.incrementScriptSha = this.loadIncrementScript(key);
      return super.increment(key);
    }
  }
}

function storeOn(redis: Redis, prefix: string): RedisStore {
  return new ReloadingRedisStore({
    prefix,
    sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
  });
}

type LogFn = (...args: unknown[]) => void;

/**
 * express-rate-limit's logger: a store outage (one error per request while Redis is down) is logged at
 * most once a minute; anything else it reports (misconfiguration checks) is logged as it comes.
 */
function limiterLogger(logger: Logger): { error: LogFn; warn: LogFn } {
  let lastOutage = 0;
  const log: LogFn = (...args) => {
    const [problem, context] = args;
    const err = problem instanceof Error ? problem.message : String(problem);
    if (typeof context === 'string' && context.includes('error from store')) {
      if (Date.now() - lastOutage < WINDOW_MS) return;
      lastOutage = Date.now();
      logger.warn({ err }, 'rate limiting unavailable; allowing requests');
      return;
    }
    logger.warn({ err, context }, 'rate limiter warning');
  };
  return { error: log, warn: log };
}

function clientIp(req: Request): string {
  return ipKeyGenerator(req.ip ?? 'unknown');
}

export interface RateLimitOptions {
  redis: Redis;
  redisPrefix: string;
  perMinute: number;
  logger: Logger;
  /**
   * Requests the per-IP limit leaves out: those presenting a key verified recently, which cannot be
   * guesses (they would be counted, then taken back once they succeeded).
   */
  presentsVerifiedKey?: (req: Request) => Promise<boolean>;
}

/** Counts one authenticated request against its key; throws RateLimitedError past the limit. */
export interface KeyRateLimit {
  hit(keyId: string, req: Request): Promise<void>;
}

/** The per-IP middleware (run before body parsing) and the per-key limit (run once a key verified). */
export interface RateLimits {
  before: RequestHandler[];
  perKey: KeyRateLimit;
}

function retryAfterSeconds(resetTime: Date | undefined): number {
  const seconds = resetTime ? Math.ceil((resetTime.getTime() - Date.now()) / 1000) : WINDOW_MS / 1000;
  return Math.max(1, seconds);
}

/**
 * The per-key count, on the same Redis store as the middleware but called by access control after the
 * key's secret verified: key ids are not secret (they show in `/me`, audit events and admin lists), so
 * counting attempts by the id in the header would let anyone lock a victim's key out with bad secrets.
 */
function keyRateLimit(options: RateLimitOptions, log: LogFn): KeyRateLimit {
  const store = storeOn(options.redis, `${options.redisPrefix}:rl:key:`);
  void store.init({ windowMs: WINDOW_MS } as Options);
  return {
    async hit(keyId, req) {
      let counted: Awaited<ReturnType<RedisStore['increment']>>;
      try {
        counted = await store.increment(keyId);
      } catch (err) {
        log(err, 'error from store'); // fails open, like the middleware (passOnStoreError)
        return;
      }
      const { totalHits, resetTime } = counted;
      const limit = options.perMinute;
      const reset = retryAfterSeconds(resetTime);
      req.res?.set({
        'RateLimit-Policy': `${limit};w=${WINDOW_MS / 1000}`,
        RateLimit: `limit=${limit}, remaining=${Math.max(0, limit - totalHits)}, reset=${reset}`,
      });
      if (totalHits > limit) throw new RateLimitedError(reset);
    },
  };
}

/**
 * Two limits, both on Redis so they hold across API processes:
 * - per client IP, counting requests without a well-formed key and keyed requests that fail
 *   authentication, so guessing keys (or secrets of a known key id) cannot escape the limit;
 * - per API key, counting only requests whose secret verified (`perKey`, called by access control),
 *   so failures made with someone else's key id never count against that key.
 * When Redis is down the limits fail open (`passOnStoreError`): refusing every request because the
 * limiter's store is away would turn a Redis outage into an API outage. The outage is logged.
 */
export function createRateLimits(options: RateLimitOptions): RateLimits {
  const logger = limiterLogger(options.logger);
  const perIp = rateLimit({
    windowMs: WINDOW_MS,
    limit: options.perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    passOnStoreError: true,
    logger,
    handler: (req: Request, _res: unknown, next: (err: unknown) => void) => {
      const { resetTime } = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit ?? {};
      next(new RateLimitedError(retryAfterSeconds(resetTime)));
    },
    store: storeOn(options.redis, `${options.redisPrefix}:rl:ip:`),
    keyGenerator: clientIp,
    skip: options.presentsVerifiedKey ?? (() => false),
    skipSuccessfulRequests: true,
    // Keyed requests count here only when authentication failed; unkeyed ones always count.
    requestWasSuccessful: (req, res) =>
      keyIdFromAuthorization(req.get('authorization')) !== null && res.statusCode !== 401,
  });
  return { before: [perIp], perKey: keyRateLimit(options, logger.error) };
}
