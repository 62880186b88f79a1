// Serves the intake stack until SIGINT, for profiling under an outside load generator (not part of npm
// test). `node --import tsx --cpu-prof bench/intake/serve-stack.ts` writes the process's CPU profile on
// SIGINT; the URL, the reporter's header, one report body and the services' addresses go to
// BENCH_STACK_FILE (default <tmpdir>/intake-stack.json), e.g. for
// `npx autocannon -c 50 -d 15 -m POST -H content-type=application/json -H "authorization=..." -i body.json <url>`.
// BENCH_RUN_WORKERS=false serves the API alone. BENCH_ROLE=worker with BENCH_FERRET_URI and
// BENCH_REDIS_URL (from the file) runs a worker-only process on another one's services.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { startFerretDb, startRedisServer } from '../../src/platform/embedded/index.js';
import { createLogger } from '../../src/platform/index.js';
import { startRuntime } from '../../src/runtime.js';
import { startIntakeStack } from './full-stack.js';

const dir = mkdtempSync(join(tmpdir(), 'intake-serve-'));
let stop: () => Promise<void>;
if (process.env.BENCH_ROLE === 'worker') {
  const config = loadConfig({
    NODE_ENV: 'test',
    HTTP_PORT: '0',
    MONGODB_URI: `${process.env.BENCH_FERRET_URI ?? ''}intake`,
    REDIS_URL: process.env.BENCH_REDIS_URL,
    LOG_LEVEL: 'error',
    RUN_API: 'false',
  });
  const runtime = await startRuntime(config, createLogger('error'), {
    mongodbUri: config.MONGODB_URI ?? '',
    redisUrl: config.REDIS_URL ?? '',
  });
  console.log('worker ready');
  stop = () => runtime.stop();
} else {
  const [ferret, redisServer] = await Promise.all([
    startFerretDb(join(dir, 'ferretdb')),
    startRedisServer(join(dir, 'redis')),
  ]);
  const { runtime, url, auth, body } = await startIntakeStack(ferret.uri, redisServer.url, undefined, {
    RUN_WORKERS: process.env.BENCH_RUN_WORKERS ?? 'true',
  });
  writeFileSync(
    process.env.BENCH_STACK_FILE ?? join(tmpdir(), 'intake-stack.json'),
    JSON.stringify({ url, auth, body, ferret: ferret.uri, redis: redisServer.url }),
  );
  console.log('ready', url);
  stop = async () => {
    await runtime.stop();
    await Promise.all([ferret.stop(), redisServer.stop()]);
  };
}
process.on('SIGINT', () => {
  void (async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  })();
});
