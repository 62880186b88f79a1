// Intake benchmark (not part of npm test): `npx tsx bench/intake/run.ts`.
// Runs the same four phases against the full system (API + workers + background loops, one process)
// and against a bare baseline (Express + insert + enqueue + one compare-and-set in a BullMQ worker), on
// the same FerretDB and Redis, and prints one table:
//   1. one at a time: BENCH_SEQUENTIAL (default 300) reports, each after the previous one's 201, as
//      profile.ts files them (the cost of a report with nothing to batch it with);
//   2. burst: BENCH_BURST (default 600) reports offered as fast as intake takes them (50 connections);
//      reports triaged per second = N / (last triagedAt - first createdAt);
//   3. paced: BENCH_RATE (default 20) reports/s for BENCH_PACED_SECONDS (default 30); report-to-triaged
//      p50/p99 (triagedAt - createdAt of the stored reports);
//   4. intake: 50 connections for BENCH_SECONDS (default 10); req/s, and the system's as a share of the
//      baseline's. Both systems run side by side (separate databases) so that their intake phases can
//      alternate, BENCH_INTAKE_ROUNDS (default 3) of each; the median round of each counts. Each round
//      waits until the other system has triaged its reports and gone quiet.
// The phases start after BENCH_WARMUP_SECONDS (default 16) of running, when the relay's sweeps have
// backed off as a running system's have (full-stack.ts, WARM_UP_MS).
// Phases 1-3 also count every database command the system sends (CommandMeter on the runtime's own
// connection, which its API, workers and background loops share) from their first report until all are
// triaged and no write has been sent for BENCH_QUIET_MS (default 2,000), or BENCH_QUIET_CAP_MS
// (default 20,000) after the last triage at most, and divide by the reports. 5-7 minutes in all for
// the code before issue 16 on the shared 2-core machine.
// BENCH_PPROF=127.0.0.1:6060 serves FerretDB's Go profiles there (`go tool pprof -top <url>`).
import autocannon from 'autocannon';
import { Queue, Worker } from 'bullmq';
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectMongo, mongoose, type Connection } from '../../src/platform/db/index.js';
import { startFerretDb, startRedisServer } from '../../src/platform/embedded/index.js';
import { createLogger } from '../../src/platform/index.js';
import { createRedis } from '../../src/platform/queue/index.js';
import { CommandMeter } from './command-meter.js';
import { startIntakeStack, WARM_UP_MS } from './full-stack.js';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 300);
const BURST = Number(process.env.BENCH_BURST ?? 600);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 30);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const INTAKE_ROUNDS = Number(process.env.BENCH_INTAKE_ROUNDS ?? 3);
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 2000);
const QUIET_CAP_MS = Number(process.env.BENCH_QUIET_CAP_MS ?? 20_000);
/** How long a phase may wait for its reports to be triaged. */
const TRIAGE_PATIENCE_MS = Number(process.env.BENCH_TRIAGE_PATIENCE_MS ?? 300_000);

const logger = createLogger('silent');
const load = (): string =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
const loadAtStart = load();
const dir = mkdtempSync(join(tmpdir(), 'intake-bench-'));
const [ferret, redisServer] = await Promise.all([
  startFerretDb(join(dir, 'ferretdb'), undefined, { pprofListen: process.env.BENCH_PPROF }),
  startRedisServer(join(dir, 'redis')),
]);

/** A system under test, as the phases see it. */
interface System {
  url: string;
  headers: Record<string, string>;
  body: string;
  meter: CommandMeter;
  /** The stored reports, read through the bench's own connection so the meter does not count the reads. */
  incidents: ReturnType<Connection['collection']>;
  /** True when no triage job waits, runs or is due later (Redis, so the store is not asked). */
  triageIdle(): Promise<boolean>;
  stop(): Promise<void>;
}

interface Triaged {
  createdAt: number;
  triagedAt: number;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/**
 * Waits until every report stored since `since` is triaged, and at least `accepted` are stored (or the
 * patience runs out). The stored reports, not the 201s counted, are what a phase filed: a request cut at
 * the end of a timed run may have been stored without its answer being counted.
 */
async function triagedSince(
  system: System,
  since: Date,
  accepted: number,
): Promise<{ stored: number; triaged: Triaged[] }> {
  const deadline = Date.now() + TRIAGE_PATIENCE_MS;
  for (;;) {
    // The queue in Redis first: reading the reports scans every one of them in FerretDB, which would
    // slow down the very workers being measured.
    while (!(await system.triageIdle()) && Date.now() < deadline) await sleep(250);
    const docs = await system.incidents
      .find({ createdAt: { $gte: since } }, { projection: { createdAt: 1, triagedAt: 1 } })
      .toArray();
    const triaged = docs
      .filter((doc) => doc.triagedAt instanceof Date)
      .map((doc) => ({
        createdAt: (doc.createdAt as Date).getTime(),
        triagedAt: (doc.triagedAt as Date).getTime(),
      }));
    const stored = docs.length;
    if (triaged.length === stored && stored >= accepted) return { stored, triaged };
    if (Date.now() >= deadline) {
      console.log(`${stored - triaged.length} of ${stored} reports not triaged in time`);
      return { stored, triaged };
    }
    await sleep(1000); // a job outbox may not have been relayed to the queue yet
  }
}

/** Waits until the system has sent no write for QUIET_MS (true), or `capMs` (QUIET_CAP_MS) at most (false). */
async function quiet(meter: CommandMeter, capMs = QUIET_CAP_MS): Promise<boolean> {
  const begun = performance.now();
  for (;;) {
    if (performance.now() - meter.lastWriteAt >= QUIET_MS) return true;
    if (performance.now() - begun >= capMs) return false;
    await sleep(200);
  }
}

async function offer(system: System, options: Partial<autocannon.Options>) {
  const begun = performance.now();
  const result = await autocannon({
    url: system.url,
    method: 'POST',
    connections: 50,
    headers: { 'content-type': 'application/json', ...system.headers },
    body: system.body,
    ...options,
  });
  return {
    seconds: (performance.now() - begun) / 1000,
    accepted: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** Files reports one at a time, each after the previous one's 201 (as profile.ts does). */
async function fileOneByOne(system: System, reports: number): Promise<{ accepted: number }> {
  for (let i = 0; i < reports; i++) {
    const response = await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...system.headers },
      body: system.body,
    });
    if (response.status !== 201) throw new Error(`report ${i}: ${response.status} ${await response.text()}`);
  }
  return { accepted: reports };
}

/**
 * Runs `file`, waits until every report it filed is triaged and the system is quiet, and returns what
 * it filed, the reports as triaged, and what the store was sent meanwhile.
 */
async function phase<Filed extends { accepted: number }>(system: System, file: () => Promise<Filed>) {
  const since = new Date();
  system.meter.start();
  const filed = await file();
  const { stored, triaged } = await triagedSince(system, since, filed.accepted);
  const wasQuiet = await quiet(system.meter);
  return { filed, stored, triaged, cost: { ...system.meter.stop(stored), quiet: wasQuiet } };
}

/** Phases 1-3: what a report costs and how fast the whole pipeline triages. */
async function measurePipeline(system: System) {
  const sequential = await phase(system, () => fileOneByOne(system, SEQUENTIAL));
  const burst = await phase(system, () => offer(system, { amount: BURST }));
  const firstCreated = Math.min(...burst.triaged.map((r) => r.createdAt));
  const lastTriaged = Math.max(...burst.triaged.map((r) => r.triagedAt));
  const burstSpan = (lastTriaged - firstCreated) / 1000;
  const paced = await phase(system, () =>
    offer(system, { connections: 20, overallRate: RATE, duration: PACED_SECONDS }),
  );
  const latencies = paced.triaged.map((r) => r.triagedAt - r.createdAt);
  return {
    sequential,
    burst,
    burstSpan,
    triagedPerSecond: burst.triaged.length / burstSpan,
    paced,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Phase 4: intake alone, its reports not waited for. */
async function measureIntake(system: System) {
  const intake = await offer(system, { duration: SECONDS });
  return { ...intake, rps: intake.accepted / intake.seconds };
}

async function fullSystem(): Promise<System> {
  const meter = new CommandMeter();
  const { runtime, url, auth, body } = await startIntakeStack(ferret.uri, redisServer.url, {
    onCommand: meter.onCommand,
  });
  const reader = await connectMongo(`${ferret.uri}intake`, logger);
  const triage = runtime.platform.queues.queue('triage');
  await sleep(WARM_UP_MS); // start-up sweeps out of the way (see WARM_UP_MS)
  return {
    url,
    headers: auth,
    body,
    meter,
    incidents: reader.collection('incidents'),
    triageIdle: async () => {
      const counts = await triage.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    },
    stop: async () => {
      await runtime.stop();
      await reader.close();
    },
  };
}

/**
 * The bare baseline: express.json + one insertOne + queue.add (id only), and a BullMQ worker (the
 * triage worker's concurrency, 8) that sets triagedAt with one compare-and-set on the revision.
 */
async function baseline(body: string): Promise<System> {
  const meter = new CommandMeter();
  const db = await connectMongo(`${ferret.uri}baseline`, logger, { onCommand: meter.onCommand });
  const reader = await connectMongo(`${ferret.uri}baseline`, logger);
  const collection = db.collection('incidents');
  const redis = createRedis(redisServer.url, 'producer', logger);
  const workerRedis = createRedis(redisServer.url, 'worker', logger);
  const queue = new Queue('baseline', { connection: redis, prefix: 'bench' });
  const worker = new Worker(
    'baseline',
    async (job) => {
      const { incidentId } = job.data as { incidentId: string };
      await collection.findOneAndUpdate(
        { _id: new mongoose.mongo.ObjectId(incidentId), revision: 0 },
        { $set: { triagedAt: new Date(), severity: 'S3' }, $inc: { revision: 1 } },
      );
    },
    { connection: workerRedis, prefix: 'bench', concurrency: 8 },
  );
  let closing = false;
  const app = express();
  app.use(express.json({ limit: '256kb' }));
  app.post('/incidents', async (req, res) => {
    if (closing) {
      res.status(503).end();
      return;
    }
    try {
      const { insertedId } = await collection.insertOne({
        ...(req.body as object),
        createdAt: new Date(),
        triagedAt: null,
        revision: 0,
      });
      const id = insertedId.toHexString();
      await queue.add('triage', { incidentId: id }, { jobId: id, removeOnComplete: true });
      res.status(201).json({ id });
    } catch {
      res.status(503).end(); // the database closed under a request still in flight at the end
    }
  });
  const server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/incidents`,
    headers: {},
    body,
    meter,
    incidents: reader.collection('incidents'),
    triageIdle: async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    },
    stop: async () => {
      closing = true;
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
      await worker.close();
      await sleep(500); // requests already inside the handler finish their writes
      await queue.close();
      redis.disconnect();
      workerRedis.disconnect();
      await Promise.all([db.close(), reader.close()]);
    },
  };
}

/**
 * Until the system has nothing left to triage and has written nothing for QUIET_MS (its relay may chain
 * a round's audit events for a while after the last triage), BENCH_DRAIN_CAP_MS (default 180,000) at
 * most. Returns how long it took, in seconds.
 */
async function drained(system: System): Promise<number> {
  const begun = performance.now();
  const cap = begun + Number(process.env.BENCH_DRAIN_CAP_MS ?? 180_000);
  system.meter.start();
  while (!(await system.triageIdle()) && performance.now() < cap) await sleep(250);
  await quiet(system.meter, Math.max(0, cap - performance.now()));
  system.meter.stop(1);
  return (performance.now() - begun) / 1000;
}

type Intake = Awaited<ReturnType<typeof measureIntake>>;
const median = (rounds: Intake[]): Intake =>
  [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)] ?? rounds[0];

const full = await fullSystem();
const bare = await baseline(full.body);
const pipelines = { full: await measurePipeline(full), bare: await measurePipeline(bare) };
// The intake phases alternate, BENCH_INTAKE_ROUNDS of each (default 3), so that the ratio sees the same
// neighbours on this machine; each system's median round counts (one round of 10 s varied by a third
// from run to run in session 22). Both run in this process, so each round starts once the other
// system has triaged everything and gone quiet: the full system's backlog would otherwise share the
// CPU with the baseline's next round.
const rounds = { bare: [] as Intake[], full: [] as Intake[] };
const drains = { bare: [] as number[], full: [] as number[] };
for (let round = 0; round < INTAKE_ROUNDS; round++) {
  rounds.bare.push(await measureIntake(bare));
  drains.bare.push(await drained(bare));
  rounds.full.push(await measureIntake(full));
  drains.full.push(await drained(full));
}
await full.stop();
await bare.stop();
const roundsOf = (list: Intake[]): string => list.map((r) => Math.round(r.rps)).join(', ');
const drainsOf = (list: number[]): string => list.map((seconds) => Math.round(seconds)).join(', ');
const system = { ...pipelines.full, intake: median(rounds.full) };
const base = { ...pipelines.bare, intake: median(rounds.bare) };
const loadAtEnd = load();

type Figures = typeof system;
const n = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '-';
type Cost = Figures['burst']['cost'];
const perReport = (cost: Cost, value: number, digits: number): string =>
  `${n(value, digits)} (${n(cost.seconds)} s${cost.quiet ? '' : `, not quiet after ${QUIET_CAP_MS / 1000} s`})`;
const rows: Array<[string, (f: Figures) => string, string]> = [
  [
    `Database commands per report, ${SEQUENTIAL} one at a time`,
    (f) => perReport(f.sequential.cost, f.sequential.cost.commandsPerReport, 1),
    '≤ 8',
  ],
  [
    `Database commands per report, burst of ${BURST}`,
    (f) => perReport(f.burst.cost, f.burst.cost.commandsPerReport, 1),
    '≤ 8',
  ],
  [
    `Database commands per report, ${RATE}/s`,
    (f) => perReport(f.paced.cost, f.paced.cost.commandsPerReport, 1),
    '≤ 8',
  ],
  [
    `Bytes written per report, ${SEQUENTIAL} one at a time`,
    (f) => perReport(f.sequential.cost, f.sequential.cost.bytesPerReport, 0),
    '',
  ],
  [
    `Bytes written per report, burst of ${BURST}`,
    (f) => perReport(f.burst.cost, f.burst.cost.bytesPerReport, 0),
    '',
  ],
  [`Bytes written per report, ${RATE}/s`, (f) => perReport(f.paced.cost, f.paced.cost.bytesPerReport, 0), ''],
  [
    `Triaged per second, burst of ${BURST}`,
    (f) =>
      `${n(f.triagedPerSecond, 1)}/s (${n(f.burst.triaged.length)} of ${n(f.burst.stored)} in ${n(f.burstSpan, 1)} s; accepted in ${n(f.burst.filed.seconds, 1)} s)`,
    '≥ 60/s',
  ],
  [
    `Intake, 50 connections, ${SECONDS} s, median of ${INTAKE_ROUNDS}`,
    (f) =>
      `${n(f.intake.rps)} req/s, p50 ${n(f.intake.p50)} ms, p99 ${n(f.intake.p99)} ms, ${n(f.intake.failed)} failed (rounds: ${roundsOf(f === system ? rounds.full : rounds.bare)} req/s; drained in ${drainsOf(f === system ? drains.full : drains.bare)} s)`,
    '',
  ],
  [
    'Intake / baseline',
    (f) =>
      f === system
        ? `${n((system.intake.rps / base.intake.rps) * 100)} % (round by round: ${rounds.full.map((r, i) => `${n((r.rps / (rounds.bare[i]?.rps ?? NaN)) * 100)} %`).join(', ')})`
        : '',
    '≥ 50 %',
  ],
  [
    `Report-to-triaged at ${RATE}/s offered, ${PACED_SECONDS} s`,
    (f) =>
      `p50 ${n(f.p50)} ms, p99 ${n(f.p99)} ms (${n(f.paced.triaged.length)} of ${n(f.paced.stored)} reports, ${n(f.paced.stored / f.paced.filed.seconds, 1)}/s stored)`,
    'p99 ≤ 1 s',
  ],
  [
    `Intake at ${RATE}/s offered`,
    (f) =>
      `p50 ${n(f.paced.filed.p50)} ms, p99 ${n(f.paced.filed.p99)} ms, ${n(f.paced.filed.failed)} failed`,
    '',
  ],
];
console.log(`load average at start ${loadAtStart}, at end ${loadAtEnd}`);
console.log('');
console.log('| Measure | Full system | Baseline | Target |');
console.log('| --- | --- | --- | --- |');
for (const [name, figure, target] of rows) {
  console.log(`| ${name} | ${figure(system)} | ${figure(base)} | ${target} |`);
}
await Promise.all([ferret.stop(), redisServer.stop()]);
rmSync(dir, { recursive: true, force: true });
