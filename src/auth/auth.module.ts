import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Connection } from '../platform/db/index.js';
import type { AccessControl, AnyRoute } from '../platform/http/index.js';
import type { WorkerSpec } from '../platform/queue/index.js';
import { systemActor } from '../platform/index.js';
import { ApiKeyAccessControl, type AuditRecorder } from './api-key.access.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { ApiKeyService } from './api-key.service.js';
import { AUTH_COLLECTIONS, authModels } from './auth.models.js';
import { authRoutes } from './auth.routes.js';
import { BureauRepository } from './bureau.repository.js';
import { BureauService, type KnownRegimes } from './bureau.service.js';
import { seedDemo, type DemoCredential } from './demo-seed.js';
import { createRateLimits } from './rate-limit.js';
import { UserRepository } from './user.repository.js';
import { UserService } from './user.service.js';
import { keyForgetting, VerifiedKeyCache, type KeyForgetting } from './verified-key-cache.js';

/** What the auth module takes from the platform (a subset of `PlatformDeps`). */
export interface AuthPlatform {
  config: Config;
  logger: Logger;
  db: Connection;
  redis: Redis;
}

/** The audit module as auth uses it: `record` for events without a state change, `register` for outboxes. */
export interface AuthDeps {
  audit: AuditRecorder;
  /** Tells the audit relay to drain `pendingAudit` from this collection. */
  registerOutbox(collectionName: string): void;
  /** The regimes the installed policy packs implement: the only ones a bureau may name. */
  knownRegimes: KnownRegimes;
}

/** The services, for the CLI, the demo seed and other modules (through `index.ts`). */
export interface AuthServices {
  bureaux: BureauService;
  users: UserService;
  keys: ApiKeyService;
}

export interface AuthModule {
  services: AuthServices;
  access: AccessControl;
  routes: AnyRoute[];
  /** Rate limits, run before body parsing. */
  before: RequestHandler[];
  background: Array<{ name: string; start(): void; stop(): Promise<void> }>;
  /** The `auth` queue: forgets verified keys when the write that refused them could not. */
  workers: WorkerSpec[];
  /** Builds indexes and, in demo mode, seeds demo data. */
  init(): Promise<void>;
  /** Filled by `init()` in demo mode: the keys to print. */
  demoCredentials: DemoCredential[];
}

/** Where verified keys are kept (null: every request reads the store) and how writes forget them. */
export interface KeyCaching {
  verified: VerifiedKeyCache | null;
  forgetting: KeyForgetting | null;
}

/**
 * Only repositories and services, for processes without HTTP (the CLI, which passes no caching: its
 * writes record the job that makes the API processes forget).
 */
export function createAuthServices(
  db: Connection,
  knownRegimes: KnownRegimes,
  caching: KeyCaching = { verified: null, forgetting: null },
): AuthServices & { init: () => Promise<void> } {
  const models = authModels(db);
  const bureauRepository = new BureauRepository(models.bureaux);
  const userRepository = new UserRepository(models.users);
  const keyRepository = new ApiKeyRepository(models.apiKeys);
  return {
    bureaux: new BureauService(bureauRepository, knownRegimes),
    users: new UserService(userRepository, bureauRepository, caching.forgetting),
    keys: new ApiKeyService(keyRepository, userRepository, caching.verified, caching.forgetting),
    init: async () => {
      await Promise.all([bureauRepository.init(), userRepository.init(), keyRepository.init()]);
    },
  };
}

/** Builds access control, admin routes and rate limits over the bureaux, users and api_keys collections. */
export function createAuthModule(platform: AuthPlatform, deps: AuthDeps): AuthModule {
  const { config, logger } = platform;
  const cache = new VerifiedKeyCache(
    platform.redis,
    config.REDIS_PREFIX,
    config.API_KEY_CACHE_SECONDS * 1000,
    logger,
  );
  const forgetting = keyForgetting(cache, logger);
  const {
    init: initServices,
    bureaux,
    users,
    keys,
  } = createAuthServices(platform.db, deps.knownRegimes, {
    verified: config.API_KEY_CACHE_SECONDS > 0 ? cache : null,
    forgetting,
  });
  const services: AuthServices = { bureaux, users, keys };
  for (const collection of Object.values(AUTH_COLLECTIONS)) deps.registerOutbox(collection);
  const limits = createRateLimits({
    redis: platform.redis,
    redisPrefix: platform.config.REDIS_PREFIX,
    perMinute: platform.config.RATE_LIMIT_PER_MINUTE,
    logger: platform.logger,
    // Called per request, once `access` below exists.
    presentsVerifiedKey: (req) => access.presentsVerifiedKey(req),
  });
  const access = new ApiKeyAccessControl(services.keys, deps.audit, platform.logger, limits.perKey);
  let timer: NodeJS.Timeout | undefined;
  const module: AuthModule = {
    services,
    access,
    routes: authRoutes(services),
    before: limits.before,
    background: [
      {
        name: 'auth-suppressed-attempts',
        start: () => {
          timer = setInterval(() => void access.flushSuppressed(), 60_000);
          timer.unref();
        },
        stop: async () => {
          clearInterval(timer);
          await access.flushSuppressed(true);
        },
      },
    ],
    // Throws while Redis cannot be told, so the job is retried (the queue's backoff) until it can.
    workers: [
      { queue: 'auth', concurrency: 1, process: () => cache.forgetAll() } satisfies WorkerSpec<'auth'>,
    ],
    demoCredentials: [],
    init: async () => {
      await initServices();
      // Only API processes seed: they print the keys, and worker processes would revoke them.
      if (platform.config.DEMO_MODE && platform.config.RUN_API) {
        module.demoCredentials = await seedDemo(services, systemActor('demo-seed'));
      }
    },
  };
  return module;
}
