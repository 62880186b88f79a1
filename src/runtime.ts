import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { Worker } from 'bullmq';
import { buildApp } from './app.js';
import type { Config } from './config/index.js';
import { buildModules, type Modules, type PlatformDeps } from './modules.js';
import {
  assertAtomicWrites,
  connectMongo,
  retryWhileDatabaseAway,
  type ConnectOptions,
} from './platform/db/index.js';
import { createMetrics, RequestPressure, settlesWithin, type Logger } from './platform/index.js';
import { QueueRegistry, createRedis, drainWorkers, startWorker } from './platform/queue/index.js';

export interface RuntimeUrls {
  mongodbUri: string;
  redisUrl: string;
  /** Options of the database connection (a benchmark's command counter). */
  db?: ConnectOptions;
}

/** A running process: the API and/or the workers over one set of connections. */
export interface Runtime {
  platform: PlatformDeps;
  modules: Modules;
  server: Server | null;
  /** Base URL of the API when it is served. */
  url: string | null;
  workers: Worker[];
  stop(): Promise<void>;
}

/** Opens the connections, builds the modules, and starts what the config asks this process to run. */
export async function startRuntime(config: Config, logger: Logger, urls: RuntimeUrls): Promise<Runtime> {
  const metrics = createMetrics();
  const db = await connectMongo(urls.mongodbUri, logger, urls.db);
  const redis = createRedis(urls.redisUrl, 'producer', logger);
  const workerRedis = config.RUN_WORKERS ? createRedis(urls.redisUrl, 'worker', logger) : null;
  const queues = new QueueRegistry(redis, config.REDIS_PREFIX);
  // Only a process that serves requests and runs jobs has both to share its CPU between.
  const pressure =
    config.RUN_API && workerRedis && config.WORKERS_YIELD_AT_REQUESTS > 0
      ? new RequestPressure(config.WORKERS_YIELD_AT_REQUESTS, config.WORKERS_YIELD_MAX_MS)
      : null;
  const platform: PlatformDeps = { config, logger, metrics, db, redis, queues, pressure };
  const modules = buildModules(platform);
  // A store restarted while this process starts must not make it exit: every step of init is idempotent.
  try {
    // Compare-and-set is how every module writes: a store that cannot do it atomically is refused.
    await retryWhileDatabaseAway(() => assertAtomicWrites(db), logger);
    await retryWhileDatabaseAway(() => modules.init(), logger);
  } catch (err) {
    // A refused start (a non-atomic store, a bad policy, missing recipient lists) leaves no connection open behind it,
    // so a caller that catches the refusal (a test, a supervisor in-process) is not kept alive.
    await queues.close();
    redis.disconnect();
    workerRedis?.disconnect();
    await db.close();
    throw err;
  }

  const workers = workerRedis
    ? modules.workers.map((spec) =>
        startWorker(spec, {
          connection: workerRedis,
          prefix: config.REDIS_PREFIX,
          logger,
          metrics,
          pressure,
        }),
      )
    : [];
  for (const loop of modules.background) loop.start();

  let server: Server | null = null;
  let url: string | null = null;
  if (config.RUN_API) {
    const app = buildApp({
      config,
      logger,
      metrics,
      routes: modules.routes,
      access: modules.access,
      before: modules.before,
      console: modules.console,
      pressure,
    });
    server = createServer(app);
    server.listen(config.HTTP_PORT, config.HTTP_HOST);
    await once(server, 'listening');
    const address = server.address();
    if (address && typeof address !== 'string') url = `http://${config.HTTP_HOST}:${address.port}`;
    if (url) modules.publicUrl.listeningAt(url);
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // Order matters: stop accepting requests, drain jobs, stop loops, then close the connections.
      // Every step waits only until one shared deadline: a request or a pass waiting on a store that
      // answers slowly (its socket timeout is a minute) must not hold a stopping process past it.
      const deadline = Date.now() + config.SHUTDOWN_TIMEOUT_MS;
      const timeLeft = (): number => Math.max(deadline - Date.now(), 0);
      let forced = false;
      if (server) {
        const closed = once(server, 'close');
        server.close();
        server.closeIdleConnections();
        if (!(await settlesWithin(closed, timeLeft()))) {
          // Clients retry a report with its Idempotency-Key on a cut connection.
          logger.warn('requests still running at the shutdown deadline; closing their connections');
          server.closeAllConnections();
          await closed;
          forced = true;
        }
      }
      await drainWorkers(workers, timeLeft(), logger);
      const loopsStopped = Promise.all(
        modules.background.map(async (loop) => {
          await loop.stop();
          logger.debug({ loop: loop.name }, 'background loop stopped');
        }),
      );
      if (!(await settlesWithin(loopsStopped, timeLeft()))) {
        // A pass only ever leaves work that the next pass (here or in another process) picks up.
        logger.warn('background passes still running at the shutdown deadline; closing under them');
        forced = true;
      }
      await queues.close();
      redis.disconnect();
      workerRedis?.disconnect();
      // Forcing the close fails the store commands still in flight at once, instead of after their
      // socket timeout.
      await db.close(forced);
    })());

  return { platform, modules, server, url, workers, stop };
}
