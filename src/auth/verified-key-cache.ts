import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ROLES, jobIntent, type JobIntent } from '../platform/index.js';

/** What a verified key stands for: everything a request's actor needs, nothing secret. */
export interface VerifiedKey {
  keyId: string;
  expiresAt: Date;
  lastUsedAt: Date | null;
  user: { id: string; role: (typeof ROLES)[number]; bureauId: string | null; name: string };
}

// Data read back from Redis is checked like any other input: a malformed entry is a miss.
const entrySchema = z.object({
  generation: z.string().min(1),
  keyId: z.string().min(1),
  expiresAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
  user: z.object({
    id: z.string().min(1),
    role: z.enum(ROLES),
    bureauId: z.string().nullable(),
    name: z.string(),
  }),
});

/** A look in the cache: the entry when it is current, and the generation to file a fresh one under. */
export interface CacheLook {
  hit: VerifiedKey | null;
  /** Null when nothing may be filed (Redis away, or its identity not known yet). */
  generation: string | null;
}

/** Nothing to use and nothing to file (no cache, Redis away, its run id not known). */
export const CACHE_MISS: CacheLook = { hit: null, generation: null };

/**
 * Verified API keys in Redis, so that a request with a key checked recently costs the store no read.
 *
 * Every entry is filed under the generation read before the store was, and is used only while that
 * generation is still the current one. Whatever can refuse a key that authenticated (a user disabled,
 * a key revoked) sets a new generation after its write, in the same request, so the very next request
 * in any process misses and reads the store; a request that read the store before the write and files
 * its entry after it files it under the old generation, which is never used. A write whose generation
 * could not be set (a crash in between, Redis away) recorded a job that sets it (the `auth` queue's
 * worker, in `auth.module.ts`).
 *
 * Keys live under the Redis server's run id: a Redis restarted, or restored from a snapshot that lost
 * the last generation change, starts an empty namespace, and no entry is used while the run id of
 * the current connection is not known. Entries expire after `ttlMs` whatever happens, and are keyed by
 * a hash of the whole presented key (a hit is a key whose secret was verified; no secret is stored).
 */
export class VerifiedKeyCache {
  private runId: string | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {
    redis.on('ready', () => void this.learnRunId());
    // Until the next `ready` says which server answers, nothing is read or filed.
    redis.on('close', () => {
      this.runId = null;
    });
    if (redis.status === 'ready') void this.learnRunId();
  }

  /** The entry for a presented key, when current, and the generation a new one goes under. */
  async look(token: string): Promise<CacheLook> {
    const runId = this.runId;
    if (!runId) return CACHE_MISS;
    try {
      const [generation, raw] = await this.redis.mget(this.generationKey(runId), this.entryKey(runId, token));
      if (!generation) {
        // First use on this server: set one (NX: never replaces a generation another process set).
        await this.redis.set(this.generationKey(runId), randomUUID(), 'NX');
        return CACHE_MISS;
      }
      const entry = raw ? entrySchema.safeParse(JSON.parse(raw)) : null;
      if (!entry?.success || entry.data.generation !== generation) return { hit: null, generation };
      const { expiresAt, lastUsedAt, keyId, user } = entry.data;
      return {
        hit: {
          keyId,
          user,
          expiresAt: new Date(expiresAt),
          lastUsedAt: lastUsedAt === null ? null : new Date(lastUsedAt),
        },
        generation,
      };
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'verified-key cache unavailable; reading the store');
      return CACHE_MISS;
    }
  }

  /** Files a key verified against the store, under the generation read before the store was. */
  async file(token: string, generation: string, key: VerifiedKey): Promise<void> {
    const runId = this.runId;
    if (!runId) return;
    const entry: z.input<typeof entrySchema> = {
      generation,
      keyId: key.keyId,
      expiresAt: key.expiresAt.getTime(),
      lastUsedAt: key.lastUsedAt?.getTime() ?? null,
      user: key.user,
    };
    // Never past the key's own expiry.
    const ttl = Math.min(this.ttlMs, key.expiresAt.getTime() - Date.now());
    if (ttl <= 0) return;
    await this.redis
      .set(this.entryKey(runId, token), JSON.stringify(entry), 'PX', ttl)
      .catch(() => undefined);
  }

  /**
   * Makes every entry filed so far unusable, in every process. Throws when Redis cannot be told: the
   * caller's write has then recorded the job that retries this.
   */
  async forgetAll(): Promise<void> {
    const runId = this.runId ?? (await this.learnRunId());
    if (!runId) throw new Error('Redis is not reachable: verified keys not forgotten');
    await this.redis.set(this.generationKey(runId), randomUUID());
  }

  private async learnRunId(): Promise<string | null> {
    try {
      const info = await this.redis.info('server');
      this.runId = /^run_id:(\w+)/m.exec(info)?.[1] ?? null;
    } catch {
      this.runId = null;
    }
    return this.runId;
  }

  private generationKey(runId: string): string {
    return `${this.prefix}:auth:keys:${runId}:generation`;
  }

  private entryKey(runId: string, token: string): string {
    const digest = createHash('sha256').update(token, 'utf8').digest('base64url');
    return `${this.prefix}:auth:keys:${runId}:${digest}`;
  }
}

/** The job a write that can refuse a verified key records, for when its request cannot tell Redis. */
export function forgetKeysJob(cause: 'user' | 'key', id: string, at: Date): JobIntent<'auth'> {
  return jobIntent('auth', `forget-keys-${cause}-${id}-${at.getTime()}`, { cause, id });
}

/**
 * How the auth services make verified keys forgotten after a write: at once when Redis answers; when
 * it does not, the job the write recorded does it. Null (the CLI without Redis): the job only.
 */
export interface KeyForgetting {
  afterWrite(): Promise<void>;
}

export function keyForgetting(cache: VerifiedKeyCache, logger: Logger): KeyForgetting {
  return {
    afterWrite: async () => {
      try {
        await cache.forgetAll();
      } catch (err) {
        logger.warn(
          { err: (err as Error).message },
          'verified keys not forgotten now; the recorded job will',
        );
      }
    },
  };
}

/**
 * Forgetting for a process that holds no Redis connection (the CLI): connects for the one command,
 * then closes. When Redis cannot be reached, the job the write recorded makes the API processes
 * forget once a relay picks it up.
 */
export function oneShotKeyForgetting(redisUrl: string, prefix: string, logger: Logger): KeyForgetting {
  return {
    afterWrite: async () => {
      const redis = new Redis(redisUrl, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout: 2000,
        retryStrategy: () => null,
      });
      redis.on('error', () => undefined); // the outcome is logged once below
      try {
        await redis.connect();
        await new VerifiedKeyCache(redis, prefix, 0, logger).forgetAll();
      } catch (err) {
        logger.warn(
          { err: (err as Error).message },
          'Redis not reachable: running API processes forget verified keys when a relay runs the recorded job',
        );
      } finally {
        redis.disconnect();
      }
    },
  };
}
