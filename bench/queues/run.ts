// Queues and timers benchmark (not part of npm test): `npx tsx bench/queues/run.ts`.
// BENCH_INCIDENTS (default 10000) open incidents with running clocks; BENCH_LIST_CALLS (default 200);
// BENCH_TIMER_RATE (default 100/s) for BENCH_TIMER_SECONDS (default 20).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.js';
import type { Actor } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { PlatformDeps } from '../../src/modules.js';
import { startFerretDb, startRedisServer } from '../../src/platform/embedded/index.js';
import { createLogger, createMetrics } from '../../src/platform/index.js';
import { QueueRegistry, createRedis, drainWorkers, startWorker } from '../../src/platform/queue/index.js';
import { createWorkflowModule } from '../../src/workflow/index.js';
import { CommandCounter, summary } from './measure.js';
import { templateIncident } from './template-incident.js';
import { CLOCK_RECORDS_COLLECTION } from '../../src/clocks/index.js';
import { incidentDocumentsOn } from '../../src/incidents/index.js';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 10_000);
const LIST_CALLS = Number(process.env.BENCH_LIST_CALLS ?? 200);
const TIMER_RATE = Number(process.env.BENCH_TIMER_RATE ?? 100);
const TIMER_SECONDS = Number(process.env.BENCH_TIMER_SECONDS ?? 20);
const QUEUES = ['cert-general', 'cert-critical', 'cert-malware', 'cert-low'];
const SEVERITIES = ['S1', 'S2', 'S3', 'S4'];

const dir = mkdtempSync(join(tmpdir(), 'queues-bench-'));
const [ferret, redisServer] = await Promise.all([
  startFerretDb(join(dir, 'ferretdb')),
  startRedisServer(join(dir, 'redis')),
]);
const uri = `${ferret.uri}queuesbench`;
const config = loadConfig({
  NODE_ENV: 'test',
  HTTP_PORT: '0',
  MONGODB_URI: uri,
  REDIS_URL: redisServer.url,
  REDIS_PREFIX: 'qbench',
  LOG_LEVEL: 'warn',
});
const logger = createLogger('warn');
const metrics = createMetrics();
const commands = new CommandCounter();
const db = await commands.connect(uri);
const redis = createRedis(redisServer.url, 'producer', logger);
const workerRedis = createRedis(redisServer.url, 'worker', logger);
const queues = new QueueRegistry(redis, config.REDIS_PREFIX);
const platform: PlatformDeps = { config, logger, metrics, db, redis, queues };
// The workflow module alone (no intake, notification or triage loops scanning the same collection):
// what is measured is the queue read path and the clock timers, not the rest of the system.
const workflow = createWorkflowModule(platform, {
  incidents: incidentDocumentsOn(db),
  users: { get: () => Promise.resolve(null) },
  audit: { forSubject: () => Promise.resolve([]) },
  followUps: { historyOf: () => Promise.resolve(new Map()) },
  reconciler: { intervalMs: 3_600_000 },
  registerOutbox: () => undefined,
});
await workflow.init();
const responder: Actor = {
  userId: 'bench',
  keyId: 'bench',
  role: 'responder',
  bureauId: null,
  name: 'Bench responder',
};
const access = {
  authenticate: () => Promise.resolve(responder),
  authorize: () => Promise.resolve(),
  identify: () => Promise.resolve(responder),
};
const server = createServer(buildApp({ config, logger, metrics, routes: workflow.routes, access }));
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const workers = workflow.workers.map((spec) =>
  startWorker(spec, { connection: workerRedis, prefix: config.REDIS_PREFIX, logger, metrics }),
);
try {
  const incidents = db.db!.collection('incidents');
  const clockRecords = db.db!.collection(CLOCK_RECORDS_COLLECTION);
  const now = Date.now();
  let started = performance.now();
  for (let offset = 0; offset < INCIDENTS; offset += 500) {
    const batch = Array.from({ length: Math.min(500, INCIDENTS - offset) }, (_, j) => {
      const n = offset + j;
      return templateIncident(
        n,
        new Date(now + 60_000 + ((n * 7919) % 86_400) * 1000),
        QUEUES[n % 4],
        SEVERITIES[n % 4],
      );
    });
    await incidents.insertMany(batch.map((made) => made.incident));
    await clockRecords.insertMany(batch.map((made) => made.clocks));
  }
  console.log(
    `seeded ${INCIDENTS} open incidents with running clocks in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  started = performance.now();
  await workflow.services.reconciler.pass();
  console.log(
    `reconciler pass (queue index rebuilt, timers set) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const timeCall = async (path: string): Promise<number> => {
    const t = performance.now();
    const res = await fetch(`${base}${path}`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return performance.now() - t;
  };
  const listing: number[] = [];
  for (let i = 0; i < LIST_CALLS; i++)
    listing.push(await timeCall(`/api/v1/queues/${QUEUES[i % 4]}/incidents?limit=50`));
  console.log(`queue listing (50 per page, ${INCIDENTS / 4} per queue), Redis index: ${summary(listing)}`);
  const summaries: number[] = [];
  for (let i = 0; i < Math.max(10, LIST_CALLS / 10); i++) summaries.push(await timeCall('/api/v1/queues'));
  console.log(`queue summary (all queues), Redis index: ${summary(summaries)}`);
  const scan: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await workflow.services.queues.scanSummaries();
    scan.push(performance.now() - t);
  }
  console.log(`same summary by scanning FerretDB (the fallback): ${summary(scan)}`);

  // Timers: TIMER_RATE delayed jobs per second, each due 2 s after it is added, on seeded incidents.
  const queue = queues.queue('clocks');
  const ids = (
    await incidents
      .find({}, { projection: { _id: 1 } })
      .limit(TIMER_RATE * TIMER_SECONDS)
      .toArray()
  ).map((d) => String(d._id));
  const jobIds: string[] = [];
  // The listing again, while the timers fire (one call every 50 ms), and what each firing costs.
  const phase = { firing: true };
  const listingUnderLoad: number[] = [];
  const lister = (async () => {
    for (let i = 0; phase.firing; i++) {
      listingUnderLoad.push(await timeCall(`/api/v1/queues/${QUEUES[i % 4]}/incidents?limit=50`));
      await sleep(50);
    }
  })();
  commands.reset();
  const tick = 1000 / TIMER_RATE;
  const t0 = Date.now();
  for (let n = 0; n < TIMER_RATE * TIMER_SECONDS; n++) {
    const wait = t0 + n * tick - Date.now();
    if (wait > 0) await sleep(wait);
    const at = Date.now() + 2000;
    const id = ids[n % ids.length] ?? '';
    const jobId = `${id}-bench.timer-due-${at}-${n}`;
    jobIds.push(jobId);
    await queues.add(
      'clocks',
      { incidentId: id, clockKey: 'bench.timer', kind: 'due', at },
      { jobId, delay: 2000 },
    );
  }
  const lags: number[] = [];
  for (const jobId of jobIds) {
    for (;;) {
      const job = await queue.getJob(jobId);
      if (job?.processedOn) {
        lags.push(job.processedOn - (job.timestamp + (job.opts.delay ?? 0)));
        break;
      }
      await sleep(50);
    }
  }
  phase.firing = false;
  await lister;
  console.log(
    `timer firing lag at ${TIMER_RATE} timers/s for ${TIMER_SECONDS} s (due → picked up): ${summary(lags)}`,
  );
  console.log(`queue listing while the timers fired: ${summary(listingUnderLoad)}`);
  console.log(
    `database commands during the timer phase, per bench timer fired:\n${commands.report(jobIds.length)}`,
  );
} finally {
  await drainWorkers(workers, 10_000, logger);
  await workflow.background[0]?.stop();
  server.close();
  await queues.close();
  redis.disconnect();
  workerRedis.disconnect();
  await db.close();
  await Promise.all([ferret.stop(), redisServer.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
