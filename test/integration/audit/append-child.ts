// A separate process for the multi-process tests: `node --import tsx append-child.ts <mode> <uri> <n>`.
import { readFileSync } from 'node:fs';
import type { AuditDraft } from '../../../src/audit/index.js';
import { draftFor, openAudit } from './audit-fixture.js';

const [mode, uri, countText] = process.argv.slice(2);
const count = Number(countText);
const redisUrl = process.env.TEST_REDIS_URL;
const { module, db, close } = await openAudit(
  uri,
  { AUDIT_SIGNING_KEY: process.env.TEST_AUDIT_KEY ?? '' },
  redisUrl ? redisUrl : undefined,
);

if (mode === 'append') {
  // Half as direct records in concurrent bursts, half through the outbox of a shared collection.
  module.relay.register('child_things');
  const things = db.db!.collection('child_things');
  for (let index = 0; index < count; index += 10) {
    await Promise.all(
      Array.from({ length: 5 }, (_, k) =>
        module.audit.record(draftFor(`p${process.pid}`, 'child.recorded', { n: index + k })),
      ),
    );
    await things.insertOne({
      pid: process.pid,
      pendingAudit: Array.from({ length: 5 }, (_, k) =>
        draftFor(`p${process.pid}`, 'child.outboxed', { n: index + k }),
      ),
    });
    await module.relay.relayNow();
  }
  await close();
} else if (mode === 'overlap') {
  // Appends a shared list of drafts (file TEST_DRAFTS) in overlapping slices of 100-250 in its own
  // order: every other child sends most of them too, so most inserts meet drafts chained already.
  const drafts = JSON.parse(readFileSync(process.env.TEST_DRAFTS ?? '', 'utf8')) as AuditDraft[];
  let offset = (process.pid * 37) % drafts.length;
  for (let sent = 0; sent < drafts.length * 2;) {
    const size = 100 + ((offset * 13) % 151);
    const slice = Array.from({ length: size }, (_, index) => drafts[(offset + index) % drafts.length]);
    await module.audit.recordMany(slice);
    sent += size;
    offset = (offset + size - 40) % drafts.length; // the next slice overlaps this one
  }
  await close();
} else if (mode === 'crash') {
  // Writes state with its pending events and never relays them: the parent kills us here.
  await db.db!.collection('crash_things').insertOne({
    _id: 'crashed' as never,
    status: 'changed',
    pendingAudit: [draftFor('crash-subject', 'crash.changed')],
  });
  process.stdout.write('written\n');
  setInterval(() => undefined, 1000);
}
