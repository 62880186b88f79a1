// Intake benchmark (not part of npm test): `npx tsx bench/intake/run.ts`.
// BENCH_SECONDS (default 20) per phase, BENCH_RATE (default 200) reports/s for the latency phase;
// BENCH_PPROF=127.0.0.1:6060 serves FerretDB's Go profiles there (`go tool pprof -top <url>`).
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectMongo } from '../../src/platform/db/index.js';
import { startFerretDb, startRedisServer } from '../../src/platform/embedded/index.js';
import { createLogger } from '../../src/platform/index.js';
import { createRedis } from '../../src/platform/queue/index.js';
import type { Runtime } from '../../src/runtime.js';
import { startIntakeStack } from './full-stack.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const logger = createLogger('silent');
const dir = mkdtempSync(join(tmpdir(), 'intake-bench-'));
const [ferret, redisServer] = await Promise.all([
  startFerretDb(join(dir, 'ferretdb'), undefined, { pprofListen: process.env.BENCH_PPROF }),
  startRedisServer(join(dir, 'redis')),
]);

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function fire(url: string, headers: Record<string, string>, body: string, overallRate?: number) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: 50,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', ...headers },
    body,
    ...(overallRate ? { overallRate } : {}),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    errors: result.non2xx + result.errors,
  };
}

/** The bare baseline: express.json + one insertOne + queue.add, on the same FerretDB and Redis. */
async function baseline(body: string) {
  const db = await connectMongo(`${ferret.uri}baseline`, logger);
  const collection = db.collection('incidents');
  const redis = createRedis(redisServer.url, 'producer', logger);
  const queue = new Queue('baseline', { connection: redis, prefix: 'bench' });
  let closing = false;
  const app = express();
  app.use(express.json({ limit: '256kb' }));
  app.post('/incidents', async (req, res) => {
    if (closing) {
      res.status(503).end();
      return;
    }
    try {
      const { insertedId } = await collection.insertOne({ ...(req.body as object), createdAt: new Date() });
      await queue.add(
        'triage',
        { incidentId: insertedId.toHexString() },
        { jobId: insertedId.toHexString() },
      );
      res.status(201).json({ id: insertedId.toHexString() });
    } catch {
      res.status(503).end(); // the database closed under a request still in flight at the end
    }
  });
  const server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const figures = await fire(`http://127.0.0.1:${port}/incidents`, {}, body);
  closing = true;
  const closed = once(server, 'close');
  server.close();
  server.closeAllConnections();
  await closed;
  await sleep(500); // requests already inside the handler finish their writes
  await queue.close();
  redis.disconnect();
  await db.close();
  return figures;
}

async function triageLatencies(runtime: Runtime, since: Date): Promise<number[]> {
  const incidents = runtime.platform.db.collection('incidents');
  const triage = runtime.platform.queues.queue('triage');
  // Waits on the triage queue in Redis (at most two minutes), not on a count in FerretDB: a count
  // scans every incident there and would slow down the very workers being measured.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const counts = await triage.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0) || Date.now() > deadline) break;
    await sleep(250);
  }
  const docs = await incidents
    .find({ createdAt: { $gte: since } }, { projection: { createdAt: 1, triagedAt: 1 } })
    .toArray();
  const untriaged = docs.filter((doc) => !(doc.triagedAt instanceof Date)).length;
  if (untriaged > 0) console.log(`${untriaged} of ${docs.length} incidents not triaged after two minutes`);
  return docs
    .filter((doc) => doc.triagedAt instanceof Date)
    .map((doc) => (doc.triagedAt as Date).getTime() - (doc.createdAt as Date).getTime());
}

const { runtime, url, auth, body } = await startIntakeStack(ferret.uri, redisServer.url);

const startedMax = new Date();
const intake = await fire(url, auth, body);
const maxLatencies = await triageLatencies(runtime, startedMax);
const startedRated = new Date();
const rated = await fire(url, auth, body, RATE);
const ratedLatencies = await triageLatencies(runtime, startedRated);
await runtime.stop();
const base = await baseline(body);

const show = (name: string, f: Awaited<ReturnType<typeof fire>>) => {
  console.log(
    `${name}: ${Math.round(f.rps)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, 2xx ${f.ok}, errors ${f.errors}`,
  );
};
show('intake (50 connections, max rate)', intake);
show(`intake (overallRate ${RATE}/s)`, rated);
show('baseline (express.json + insertOne + queue.add)', base);
console.log(`intake / baseline: ${((intake.rps / base.rps) * 100).toFixed(0)}%`);
console.log(
  `report-to-triaged at max rate: p50 ${percentile(maxLatencies, 50)} ms, p99 ${percentile(maxLatencies, 99)} ms (${maxLatencies.length} incidents)`,
);
console.log(
  `report-to-triaged at ${RATE}/s: p50 ${percentile(ratedLatencies, 50)} ms, p99 ${percentile(ratedLatencies, 99)} ms (${ratedLatencies.length} incidents)`,
);
await Promise.all([ferret.stop(), redisServer.stop()]);
rmSync(dir, { recursive: true, force: true });
