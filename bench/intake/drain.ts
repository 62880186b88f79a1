// What triage costs, apart from intake (not part of npm test): `npx tsx bench/intake/drain.ts`.
// An API-only process (this one) takes BENCH_DRAIN_REPORTS (default 4,000) reports from 50 connections
// and relays their audit events; once it is quiet, a worker-only process (serve-stack.ts, BENCH_ROLE=
// worker) starts on the same FerretDB and Redis and triages them: the queue's backlog after a flood.
// Printed: the CPU time the worker process, FerretDB and Redis used from the worker's start (its own
// start-up taken off) until every queue has been empty for 3 s, per report, and the wall time.
// BENCH_DRAIN_RUNS (default 1) repeats the whole measure on fresh services. The intake rounds of
// run.ts share one process and one store between intake and triage, so their figure moves with what
// triage is doing at the time; this one measures triage's cost alone, from outside the processes.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFerretDb, startRedisServer } from '../../src/platform/embedded/index.js';
import { CommandMeter } from './command-meter.js';
import { startIntakeStack } from './full-stack.js';

const REPORTS = Number(process.env.BENCH_DRAIN_REPORTS ?? 4000);
const RUNS = Number(process.env.BENCH_DRAIN_RUNS ?? 1);
const QUEUES = ['triage', 'dispatch', 'clocks', 'notifications'] as const;
/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in ms, from /proc. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Starts a worker-only process on these services; resolves once it says it is ready. */
async function startWorkerProcess(ferretUri: string, redisUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'serve-stack.ts')], {
    env: { ...process.env, BENCH_ROLE: 'worker', BENCH_FERRET_URI: ferretUri, BENCH_REDIS_URL: redisUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let said = '';
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    said += String(chunk);
    if (said.includes('worker ready')) return child;
  }
  throw new Error(`the worker process ended before it was ready: ${said}`);
}

async function measureOnce(run: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'intake-drain-'));
  const [ferret, redisServer] = await Promise.all([
    startFerretDb(join(dir, 'ferretdb')),
    startRedisServer(join(dir, 'redis')),
  ]);
  const meter = new CommandMeter();
  const { runtime, url, auth, body } = await startIntakeStack(
    ferret.uri,
    redisServer.url,
    { onCommand: meter.onCommand },
    { RUN_WORKERS: 'false' },
  );
  try {
    meter.start();
    const filed = await autocannon({
      url,
      method: 'POST',
      connections: 50,
      amount: REPORTS,
      headers: { 'content-type': 'application/json', ...auth },
      body,
    });
    // This process's relay chains the reports' events and relays their triage jobs: done before the
    // worker starts, so that its figures hold triage only.
    while (performance.now() - meter.lastWriteAt < 2000) await sleep(200);
    const queues = QUEUES.map((name) => runtime.platform.queues.queue(name));
    const ferretBefore = cpuMs(ferret.child.pid);
    const redisBefore = cpuMs(redisServer.child.pid);
    const begun = performance.now();
    const worker = await startWorkerProcess(ferret.uri, redisServer.url);
    const startUp = cpuMs(worker.pid);
    let emptyChecks = 0;
    while (emptyChecks < 3) {
      await sleep(1000);
      const counts = await Promise.all(
        queues.map((queue) => queue.getJobCounts('waiting', 'active', 'prioritized')),
      );
      const left = counts.flatMap((count) => Object.values(count)).reduce((sum, n) => sum + n, 0);
      emptyChecks = left === 0 ? emptyChecks + 1 : 0;
    }
    const seconds = (performance.now() - begun) / 1000 - 3;
    const perReport = (ms: number): string => (ms / filed['2xx']).toFixed(2);
    const workerMs = cpuMs(worker.pid) - startUp;
    const ferretMs = cpuMs(ferret.child.pid) - ferretBefore;
    const redisMs = cpuMs(redisServer.child.pid) - redisBefore;
    console.log(
      `run ${run + 1}: ${filed['2xx']} reports triaged in ${seconds.toFixed(1)} s ` +
        `(${(filed['2xx'] / seconds).toFixed(1)}/s); CPU ms per report: worker ${perReport(workerMs)}, ` +
        `FerretDB ${perReport(ferretMs)}, Redis ${perReport(redisMs)}`,
    );
    worker.kill('SIGINT');
    await once(worker, 'exit');
  } finally {
    await runtime.stop();
    await Promise.all([ferret.stop(), redisServer.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

for (let run = 0; run < RUNS; run++) await measureOnce(run);
