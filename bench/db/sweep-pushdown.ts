// How long an outbox sweep takes over a collection of incident-sized documents, with the filter our
// FerretDB build narrows in SQLite and with the same filter wrapped in $and (not narrowed).
// npx tsx bench/db/sweep-pushdown.ts  (BENCH_DOCS, default 3000)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMongo } from '../../src/platform/db/index.js';
import { startFerretDb } from '../../src/platform/embedded/index.js';
import { createLogger } from '../../src/platform/index.js';

const count = Number(process.env.BENCH_DOCS ?? 3000);
const dir = mkdtempSync(join(tmpdir(), 'govcert-sweep-'));
const ferret = await startFerretDb(dir);
const db = await connectMongo(`${ferret.uri}bench`, createLogger('silent'));
try {
  const collection = db.db!.collection<{ _id: string }>('incidents');
  const filler = 'x'.repeat(120);
  for (let start = 0; start < count; start += 500) {
    await collection.insertMany(
      Array.from({ length: Math.min(500, count - start) }, (_, k) => {
        const index = start + k;
        return {
          _id: `inc-${index}`,
          facts: Object.fromEntries(Array.from({ length: 80 }, (_, f) => [`f${f}`, filler])),
          pendingAudit: index % 300 === 0 ? [{ eventId: `e-${index}` }] : [],
          triagePending: index % 300 === 0,
        };
      }),
    );
  }
  const time = async (label: string, filter: Record<string, unknown>) => {
    const runs: number[] = [];
    let found = 0;
    for (let run = 0; run < 5; run += 1) {
      const started = process.hrtime.bigint();
      found = (await collection.find(filter, { projection: { pendingAudit: 1 } }).toArray()).length;
      runs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    runs.sort((a, b) => a - b);
    console.log(
      `${label}: ${found} found, median ${runs[2].toFixed(0)} ms over 5 sweeps of ${count} documents`,
    );
  };
  await time('narrowed  {"pendingAudit.0": {$exists: true}}', { 'pendingAudit.0': { $exists: true } });
  await time('decoded   {$and: [same]}                    ', {
    $and: [{ 'pendingAudit.0': { $exists: true } }],
  });
  await time('narrowed  {triagePending: true}             ', { triagePending: true });
  await time('decoded   {$and: [{triagePending: true}]}   ', { $and: [{ triagePending: true }] });
} finally {
  await db.close();
  await ferret.stop();
  rmSync(dir, { recursive: true, force: true });
}
