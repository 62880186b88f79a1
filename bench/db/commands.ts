// FerretDB command costs (not part of npm test): `npx tsx bench/db/commands.ts`.
// Single and batched reads and writes by `_id` on incident-sized documents, 16 callers at a time,
// BENCH_SECONDS (default 3) each: what one command costs against what one document in a batch costs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMongo, mongoose } from '../../src/platform/db/index.js';
import { startFerretDb } from '../../src/platform/embedded/index.js';
import { createLogger } from '../../src/platform/index.js';
import { reportBody } from '../../test/factories/incident.factory.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const DOCS = Number(process.env.BENCH_DOCS ?? 5000);
const CALLERS = 16;
const dir = mkdtempSync(join(process.env.BENCH_DB_DIR ?? tmpdir(), 'db-commands-'));
const ferret = await startFerretDb(join(dir, 'ferretdb'));
const db = await connectMongo(`${ferret.uri}commands`, createLogger('silent'));
const native = db.db;
if (!native) throw new Error('no database');
const incidents = native.collection<{ _id: mongoose.Types.ObjectId; revision: number }>('incidents');

const ids = Array.from({ length: DOCS }, () => new mongoose.Types.ObjectId());
// BENCH_PAD_KB adds that many KB of clock-like objects: a triaged incident is 10-16 KB of JSON.
const padding = Array.from({ length: Math.round(Number(process.env.BENCH_PAD_KB ?? 0) * 3) }, (_, i) => ({
  key: `hk-gov.clock-${i}`,
  name: 'Preliminary written report to GIRO-SO',
  state: 'running',
  dueAt: new Date(),
  durationSeconds: 172800 + i,
  escalations: [],
}));
const body = { ...reportBody(), padding };
for (let i = 0; i < ids.length; i += 500) {
  await incidents.insertMany(
    ids
      .slice(i, i + 500)
      .map((_id) => ({ _id, ...body, revision: 0, pendingAudit: [], updatedAt: new Date() })),
  );
}
const pick = () => ids[Math.floor(Math.random() * ids.length)] ?? ids[0];

/** Runs `op` from CALLERS loops for SECONDS; returns documents per second (op returns how many it did). */
async function measure(name: string, op: () => Promise<number>): Promise<void> {
  let done = 0;
  let commands = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (Date.now() < until) {
        const documents = await op(); // awaited first: `done += await op()` would lose updates
        done += documents;
        commands++;
      }
    }),
  );
  const perSecond = (n: number) => Math.round(n / SECONDS).toLocaleString('en');
  console.log(
    `${name.padEnd(44)} ${perSecond(commands).padStart(7)} commands/s ${perSecond(done).padStart(8)} docs/s`,
  );
}

console.log(`${DOCS} documents, ${CALLERS} callers, ${SECONDS} s each`);
await measure('findOne {_id}', async () => ((await incidents.findOne({ _id: pick() })) ? 1 : 0));
await measure('findOne {_id, revision} (CAS read)', async () => {
  await incidents.findOne({ _id: pick(), revision: { $gte: 0 } });
  return 1;
});
await measure('find {_id: {$in: 20}}', async () => {
  const batch = Array.from({ length: 20 }, pick);
  return (await incidents.find({ _id: { $in: batch } }).toArray()).length;
});
await measure('updateOne {_id} $set', async () => {
  await incidents.updateOne({ _id: pick() }, { $set: { updatedAt: new Date() } });
  return 1;
});
await measure('findOne + findOneAndUpdate {_id, revision}', async () => {
  const _id = pick();
  const doc = await incidents.findOne({ _id }, { projection: { revision: 1 } });
  await incidents.findOneAndUpdate({ _id, revision: doc?.revision ?? 0 }, { $inc: { revision: 1 } });
  return 1;
});
await measure('bulkWrite 20 x updateOne {_id} $set', async () => {
  const ops = Array.from({ length: 20 }, () => ({
    updateOne: { filter: { _id: pick() }, update: { $set: { updatedAt: new Date() } } },
  }));
  await incidents.bulkWrite(ops, { ordered: false });
  return 20;
});
await measure('insertOne', async () => {
  await native.collection('inserts').insertOne({ ...body, at: new Date() });
  return 1;
});
await measure('insertMany 20', async () => {
  await native
    .collection('inserts')
    .insertMany(Array.from({ length: 20 }, () => ({ ...body, at: new Date() })));
  return 20;
});
await db.close();
await ferret.stop();
rmSync(dir, { recursive: true, force: true });
