import { join } from 'node:path';
import { ConfigError, loadConfig, processEnv, type Config } from './config/index.js';
import { createLogger, type Logger } from './platform/index.js';
import {
  ferretDbBuilt,
  forgetRunningServices,
  recordRunningServices,
  startFerretDb,
  startRedisServer,
  type ManagedProcess,
} from './platform/embedded/index.js';
import { startRuntime, type Runtime, type RuntimeUrls } from './runtime.js';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

/** Starts local redis-server and FerretDB under DATA_DIR for whatever URL the config leaves unset. */
async function embeddedServices(
  config: Config,
  logger: Logger,
  services: ManagedProcess[],
): Promise<RuntimeUrls> {
  let redisUrl = config.REDIS_URL;
  let mongodbUri = config.MONGODB_URI;
  if (!redisUrl) {
    const redis = await startRedisServer(join(config.DATA_DIR, 'redis'), undefined, {
      ownProcessGroup: true,
    });
    services.push(redis);
    redisUrl = redis.url;
    logger.info({ port: redis.port }, 'embedded redis-server started');
  }
  if (!mongodbUri) {
    if (!ferretDbBuilt()) {
      say('Building FerretDB from its Go modules, once (2 to 6 minutes on a 2-core machine)...');
    }
    const ferret = await startFerretDb(join(config.DATA_DIR, 'ferretdb'), undefined, {
      onBuildProgress: say,
      ownProcessGroup: true,
    });
    services.push(ferret);
    mongodbUri = `${ferret.uri}govcert`;
    logger.info({ port: ferret.port }, 'embedded FerretDB started');
  }
  return { redisUrl, mongodbUri };
}

/**
 * Runs one process until SIGINT/SIGTERM: parses the config (a bad key stops the start with its name),
 * starts embedded services when asked, then the runtime; on a signal, drains and stops everything.
 */
export interface LaunchOptions {
  /** Used only where the environment leaves a key unset. */
  defaults?: Record<string, string>;
  /** Always win over the environment (what this entry point is for). */
  overrides?: Record<string, string>;
  onStarted?: (runtime: Runtime) => void;
}

export async function launch({ defaults = {}, overrides = {}, onStarted }: LaunchOptions): Promise<void> {
  let config: Config;
  try {
    config = loadConfig({ ...defaults, ...definedOnly(processEnv()), ...overrides });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const services: ManagedProcess[] = [];
  let runtime: Runtime;
  let urls: RuntimeUrls;
  try {
    urls = config.EMBEDDED
      ? await embeddedServices(config, logger, services)
      : { redisUrl: config.REDIS_URL ?? '', mongodbUri: config.MONGODB_URI ?? '' };
    runtime = await startRuntime(config, logger, urls);
  } catch (err) {
    // Never leave a half-started redis-server or FerretDB behind.
    for (const service of services.reverse()) await service.stop();
    logger.fatal({ err }, 'start failed');
    process.exit(1);
  }
  if (config.EMBEDDED) {
    // So that `npx govcert ...` finds this instance's services with no setup (src/cli/cli-config.ts).
    recordRunningServices(config.DATA_DIR, {
      pid: process.pid,
      ...urls,
      demo: config.DEMO_MODE,
      startedAt: new Date().toISOString(),
    });
  }
  onStarted?.(runtime);
  logger.info({ url: runtime.url, workers: runtime.workers.length }, 'started');

  let shuttingDown = false;
  const shutdown = (signal: string): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    // Draining is bounded by SHUTDOWN_TIMEOUT_MS; anything still stuck after that (a connection that
    // never closes) must not keep a stopped process alive for ever.
    setTimeout(() => {
      logger.error({ signal }, 'shutdown did not finish in time; exiting anyway');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 15_000).unref();
    void (async () => {
      await runtime.stop();
      if (config.EMBEDDED) forgetRunningServices(config.DATA_DIR, process.pid);
      for (const service of services.reverse()) await service.stop();
      logger.info('stopped');
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
}

export { say };
