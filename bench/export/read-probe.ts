// Raw read rates of FerretDB for the query shapes an export could use (not part of npm test):
// `BENCH_DB_DIR=/dev/shm/exp npx tsx bench/export/read-probe.ts`. Plain driver, no export code.
// Knobs: BENCH_DB_EVENTS (collection size, default 1,000,000), BENCH_PROBE_SECONDS (cap per shape,
// default 20: the slow shapes are measured on what they read in that time), BENCH_PROBE (comma list
// of shape names to run).
import type { mongo } from 'mongoose';
import { seededFerret } from './seeded-ferret.js';

const COUNT = Number(process.env.BENCH_DB_EVENTS ?? 1_000_000);
const CAP_MS = Number(process.env.BENCH_PROBE_SECONDS ?? 20) * 1000;
const ONLY = process.env.BENCH_PROBE?.split(',');
const key = (seq: number) => String(seq).padStart(12, '0');

const seeded = await seededFerret(COUNT);
const events = seeded.db.db!.collection<{ _id: string; seq: number }>('audit_events');
const raw = seeded.db.db!.collection('audit_events', { raw: true });

type Shape = () => mongo.FindCursor<unknown>;
const half = Math.floor(COUNT / 2);
const shapes: Record<string, Shape> = {
  'find({}) batch 1000': () => events.find({}).batchSize(1000),
  'find({}) batch 10000': () => events.find({}).batchSize(10_000),
  'find({}) batch 50000': () => events.find({}).batchSize(50_000),
  'find({}) raw batch 10000': () => raw.find({}).batchSize(10_000),
  'pages (docs of 1,000 events) find({}) batch 4': () =>
    seeded.db.db!.collection('audit_export_pages').find({}, { promoteBuffers: true }).batchSize(4),
  'find({}) projection {hash} batch 10000': () =>
    events.find({}, { projection: { hash: 1 } }).batchSize(10_000),
  'sort({$natural:1})': () => events.find({}).sort({ $natural: 1 }).batchSize(10_000),
  'find({_id:{$gte,$lte}}) 2nd half': () =>
    events.find({ _id: { $gte: key(half + 1), $lte: key(COUNT) } }).batchSize(10_000),
  'find({seq:{$gte,$lte}}) 2nd half': () =>
    events.find({ seq: { $gte: half + 1, $lte: COUNT } }).batchSize(10_000),
  'sort({seq:1})': () => events.find({}).sort({ seq: 1 }).batchSize(10_000),
  'sort({_id:1})': () => events.find({}).sort({ _id: 1 }).batchSize(10_000),
  'find({seq range}).sort({seq:1}) 2nd half': () =>
    events
      .find({ seq: { $gte: half + 1, $lte: COUNT } })
      .sort({ seq: 1 })
      .batchSize(10_000),
};

async function probe(name: string, shape: Shape): Promise<void> {
  const started = performance.now();
  let first = 0;
  let docs = 0;
  let capped = false;
  // A sort, or a filter matching late, makes FerretDB read the whole collection before the first
  // batch: give up on it after the cap instead of waiting minutes.
  const cursor = shape().maxTimeMS(CAP_MS);
  try {
    for await (const _doc of cursor) {
      if (docs === 0) first = performance.now() - started;
      docs += 1;
      if (docs % 1000 === 0 && performance.now() - started > CAP_MS) {
        docs += cursor.bufferedCount(); // received with the last batch: read, not yet iterated
        capped = true;
        break;
      }
    }
  } catch (err) {
    console.log(`${name.padEnd(44)}: error ${(err as Error).message.split('\n')[0]}`);
    return;
  } finally {
    await cursor.close();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${name.padEnd(44)}: ${docs.toLocaleString('en').padStart(9)} docs in ${seconds.toFixed(1)} s = ` +
      `${Math.round(docs / seconds).toLocaleString('en')}/s; first doc after ${(first / 1000).toFixed(1)} s` +
      (capped ? ' (capped)' : ''),
  );
}

try {
  for (const [name, shape] of Object.entries(shapes)) {
    if (!ONLY || ONLY.some((only) => name.startsWith(only))) await probe(name, shape);
  }
} finally {
  await seeded.stop();
}
