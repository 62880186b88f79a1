// Command profile of intake (not part of npm test): `npx tsx bench/intake/profile.ts`.
// Files BENCH_REPORTS (default 300) reports one at a time through the full stack, waits until the
// system is quiet, and prints the database commands per report by command, collection and filter
// shape, and the bytes written by command and collection: the cost model behind bench/intake/run.ts.
// It files them after BENCH_WARMUP_SECONDS (default 16) of running (full-stack.ts, WARM_UP_MS).
// Then, for BENCH_IDLE_SECONDS (default 30), the commands an idle system sends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mongoose } from '../../src/platform/db/index.js';
import { startFerretDb, startRedisServer } from '../../src/platform/embedded/index.js';
import { commandShape } from './command-shape.js';
import { startIntakeStack, WARM_UP_MS } from './full-stack.js';

const REPORTS = Number(process.env.BENCH_REPORTS ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'intake-profile-'));
const [ferret, redisServer] = await Promise.all([
  startFerretDb(join(dir, 'ferretdb')),
  startRedisServer(join(dir, 'redis')),
]);

const counts = new Map<string, number>();
const bytes = new Map<string, number>();
const WRITES = new Set(['insert', 'update', 'findAndModify', 'delete']);
let counting = false;
let lastCommandAt = Date.now();

const { runtime, url, auth, body } = await startIntakeStack(ferret.uri, redisServer.url, {
  onCommand: (event) => {
    if (!counting || ['hello', 'isMaster', 'ping', 'getMore', 'endSessions'].includes(event.commandName))
      return;
    lastCommandAt = Date.now();
    const key = commandShape(event);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (WRITES.has(event.commandName)) {
      // By command and collection: the bytes of the documents and updates it carries.
      const target = (event.command as Record<string, unknown>)[event.commandName];
      const byCollection = `${event.commandName} ${typeof target === 'string' ? target : ''}`;
      bytes.set(
        byCollection,
        (bytes.get(byCollection) ?? 0) + mongoose.mongo.BSON.calculateObjectSize(event.command),
      );
    }
  },
});

await sleep(WARM_UP_MS); // start-up sweeps out of the way (see WARM_UP_MS)
counting = true;
const started = Date.now();
const latencies: number[] = [];
for (let i = 0; i < REPORTS; i++) {
  const before = Date.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body,
  });
  if (response.status !== 201) throw new Error(`report ${i}: ${response.status} ${await response.text()}`);
  latencies.push(Date.now() - before);
}
const filed = Date.now() - started;
// Quiet: no command for two seconds, or 15 s at most. The relay's sweep runs about once a second, so
// quiet may never come; the per-report figures then include some 15 s of sweeps (9 collections each).
while (Date.now() - lastCommandAt < 2000 && Date.now() - started < 15_000) await sleep(200);
counting = false;

const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
console.log(
  `${REPORTS} reports filed in ${filed} ms; ${total} commands, ${(total / REPORTS).toFixed(1)} per report`,
);
for (const [name, n] of [...counts.entries()].sort((a, b) => b[1] - a[1])) {
  console.log(`${(n / REPORTS).toFixed(2).padStart(7)}  ${name}`);
}
const written = [...bytes.values()].reduce((sum, n) => sum + n, 0);
console.log(`\nbytes written per report: ${(written / REPORTS).toFixed(0)}`);
for (const [name, n] of [...bytes.entries()].sort((a, b) => b[1] - a[1])) {
  console.log(`${(n / REPORTS).toFixed(0).padStart(7)}  ${name}`);
}

// Then the store left alone: what the background loops (relay sweeps, reconcilers, keepers) read
// while nothing happens.
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
if (IDLE_SECONDS > 0) {
  counts.clear();
  counting = true;
  await sleep(IDLE_SECONDS * 1000);
  counting = false;
  const idle = [...counts.values()].reduce((sum, n) => sum + n, 0);
  console.log(
    `\nidle for ${String(IDLE_SECONDS)} s: ${String(idle)} commands, ${(idle / IDLE_SECONDS).toFixed(1)} per second`,
  );
  for (const [name, n] of [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
    console.log(`${String(n).padStart(7)}  ${name}`);
  }
}

await runtime.stop();
await Promise.all([ferret.stop(), redisServer.stop()]);
rmSync(dir, { recursive: true, force: true });
