// Where database time goes under load (not part of npm test): `npx tsx bench/intake/load-profile.ts`.
// Offers BENCH_RATE (default 200) reports/s for BENCH_SECONDS (default 10) through the full stack and
// prints, per command shape, how many ran and the total and mean time the driver waited for them.
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { mongo } from '../../src/platform/db/index.js';
import { startFerretDb, startRedisServer } from '../../src/platform/embedded/index.js';
import { commandShape } from './command-shape.js';
import { startIntakeStack } from './full-stack.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'intake-load-profile-'));
const [ferret, redisServer] = await Promise.all([
  startFerretDb(join(dir, 'ferretdb'), undefined, { pprofListen: process.env.BENCH_PPROF }),
  startRedisServer(join(dir, 'redis')),
]);

const started = new Map<number, { shape: string; at: number }>();
const totals = new Map<string, { n: number; ms: number }>();
const { runtime, url, auth, body } = await startIntakeStack(ferret.uri, redisServer.url, {
  onCommand: (event: mongo.CommandStartedEvent) => {
    started.set(event.requestId, { shape: commandShape(event), at: performance.now() });
  },
});
const finish = (event: { requestId: number }): void => {
  const begun = started.get(event.requestId);
  if (!begun) return;
  started.delete(event.requestId);
  const total = totals.get(begun.shape) ?? { n: 0, ms: 0 };
  total.n += 1;
  total.ms += performance.now() - begun.at;
  totals.set(begun.shape, total);
};
const client = runtime.platform.db.getClient();
client.on('commandSucceeded', finish);
client.on('commandFailed', finish);

const began = Date.now();
const result = await autocannon({
  url,
  method: 'POST',
  connections: 50,
  duration: SECONDS,
  overallRate: RATE,
  headers: { 'content-type': 'application/json', ...auth },
  body,
});
console.log(`${result['2xx']} reports accepted, ${Math.round(result.requests.average)} req/s`);
const triage = runtime.platform.queues.queue('triage');
const deadline = Date.now() + 120_000;
let drained = false;
while (!drained && Date.now() < deadline) {
  const counts = await triage.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  drained = Object.values(counts).every((n) => n === 0);
  if (!drained) await sleep(500);
}
const seconds = (Date.now() - began) / 1000;
console.log(
  drained
    ? `all triaged after ${seconds.toFixed(1)} s: ${(result['2xx'] / seconds).toFixed(1)} reports/s`
    : `triage NOT drained after ${seconds.toFixed(1)} s (two minutes after the load)`,
);
console.log(`     n   total ms    mean ms  command`);
for (const [shape, { n, ms }] of [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) {
  console.log(
    `${String(n).padStart(6)} ${Math.round(ms).toString().padStart(10)} ${(ms / n).toFixed(1).padStart(10)}  ${shape}`,
  );
}
// What every incident write decodes and re-encodes: the stored JSON, by top-level field.
const sample = await runtime.platform.db.collection('incidents').findOne({}, { sort: { _id: -1 } });
if (sample) {
  const sizes = Object.entries(sample).map(
    ([field, value]) => [field, JSON.stringify(value).length] as const,
  );
  console.log(`a triaged incident: ${JSON.stringify(sample).length} bytes of JSON`);
  if (process.env.BENCH_SHOW_INCIDENT === '1') console.log(JSON.stringify(sample, null, 1));
  for (const [field, size] of sizes.sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`${String(size).padStart(8)}  ${field}`);
  }
}
await runtime.stop();
await Promise.all([ferret.stop(), redisServer.stop()]);
rmSync(dir, { recursive: true, force: true });
