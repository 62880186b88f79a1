import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import type { mongo } from 'mongoose';
import { hashEvent, type AuditEvent, type VerifyReport } from '../../../src/audit/index.js';
import { isolatedUrls } from '../../helpers/services.js';
import { draftFor, openAudit } from './audit-fixture.js';

const signingKey = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const key = (seq: number): string => String(seq).padStart(12, '0');
type Doc = AuditEvent & { _id: string };

/** A fresh 20-event chain with checkpoints every 5, tampered by `tamper`, then verified. */
async function verifyAfter(
  tamper: (events: mongo.Collection<Doc>, checkpoints: mongo.Collection) => Promise<void>,
): Promise<VerifyReport> {
  const { module, db, close } = await openAudit(isolatedUrls('audittamper').mongodbUri, {
    AUDIT_SIGNING_KEY: signingKey,
    AUDIT_CHECKPOINT_EVERY: '5',
  });
  try {
    for (let index = 0; index < 20; index += 1) await module.audit.record(draftFor(`inc-${index % 2}`));
    await module.audit.checkpointNow();
    expect((await module.audit.verify()).ok, 'untouched chain verifies').to.equal(true);
    const events = db.db!.collection<Doc>('audit_events');
    // An attacker with database rights can drop the unique eventId index that would block some edits.
    await events.dropIndex('eventId_unique');
    await tamper(events, db.db!.collection('audit_checkpoints'));
    return await module.audit.verify();
  } finally {
    await close();
  }
}

async function read(events: mongo.Collection<Doc>, seq: number): Promise<Doc> {
  const doc = await events.findOne({ _id: key(seq) });
  if (!doc) throw new Error(`no event ${seq}`);
  return doc;
}

async function replace(events: mongo.Collection<Doc>, seq: number, body: Omit<Doc, '_id'>): Promise<void> {
  const { _id: _ignored, ...rest } = body as Doc;
  await events.replaceOne({ _id: key(seq) }, rest);
}

describe('audit chain tamper evidence (direct database edits)', () => {
  it('when an event is edited, then verification fails at its seq', async () => {
    const report = await verifyAfter((events) =>
      events.updateOne({ _id: key(7) }, { $set: { action: 'incident.closed' } }).then(() => undefined),
    );
    expect(report.firstBad).to.deep.include({ seq: 7, reason: 'hash_mismatch' });
  });

  it('when an event is edited and re-hashed, then the next event no longer links', async () => {
    const report = await verifyAfter(async (events) => {
      const doc = await read(events, 7);
      const edited = { ...doc, seq: 7, action: 'incident.closed' };
      await replace(events, 7, { ...edited, hash: hashEvent(edited) });
    });
    expect(report.firstBad).to.deep.include({ seq: 8, reason: 'prev_hash_mismatch' });
  });

  it('when an event is deleted, then verification reports a gap at its seq', async () => {
    const report = await verifyAfter((events) => events.deleteOne({ _id: key(7) }).then(() => undefined));
    expect(report.firstBad).to.deep.include({ seq: 7, reason: 'gap' });
  });

  it('when two events are swapped, then verification fails at the first of them', async () => {
    const report = await verifyAfter(async (events) => {
      const [seven, eight] = [await read(events, 7), await read(events, 8)];
      await replace(events, 7, { ...eight, seq: 7 });
      await replace(events, 8, { ...seven, seq: 8 });
    });
    expect(report.firstBad?.seq).to.equal(7);
  });

  it('when whole documents trade places, then the moved bodies no longer hash at their positions', async () => {
    const report = await verifyAfter(async (events) => {
      const [seven, eight] = [await read(events, 7), await read(events, 8)];
      await replace(events, 7, eight);
      await replace(events, 8, seven);
    });
    expect(report.firstBad?.seq).to.equal(7);
  });

  it('when the tail below the last signed checkpoint is cut, then truncation is reported', async () => {
    const report = await verifyAfter((events) =>
      events.deleteMany({ _id: { $in: [16, 17, 18, 19, 20].map(key) } }).then(() => undefined),
    );
    expect(report.firstBad).to.deep.include({ seq: 16, reason: 'truncated' });
  });

  it('when a forged event is appended without the chain, then it fails to link', async () => {
    const report = await verifyAfter(async (events) => {
      const forged = { ...(await read(events, 20)), seq: 21, eventId: 'forged', prevHash: '1'.repeat(64) };
      await events.insertOne({ ...forged, hash: hashEvent(forged), _id: key(21) });
    });
    expect(report.firstBad).to.deep.include({ seq: 21, reason: 'prev_hash_mismatch' });
  });

  it('when an event is inserted in the middle by shifting the rest, then the first shifted one fails', async () => {
    const report = await verifyAfter(async (events) => {
      for (let seq = 20; seq >= 11; seq -= 1) {
        const doc = await read(events, seq);
        await events
          .insertOne({ ...doc, seq: seq + 1, _id: key(seq + 1) })
          .catch(() => replace(events, seq + 1, { ...doc, seq: seq + 1 }));
      }
      const forged = {
        ...(await read(events, 10)),
        seq: 11,
        eventId: 'forged',
        prevHash: (await read(events, 10)).hash,
      };
      await replace(events, 11, { ...forged, hash: hashEvent(forged) });
    });
    // Position 11 holds a checkpoint (signed every 5 events from the first), so the forgery itself is
    // caught there; without one, the shifted event at 12 would fail to hash.
    expect(report.firstBad).to.deep.include({ seq: 11, reason: 'checkpoint_mismatch' });
  });

  it('when the chain is rewritten consistently after an insertion, then the signed checkpoint exposes it', async () => {
    const report = await verifyAfter(async (events) => {
      let previous = await read(events, 10);
      const bodies = [{ ...previous, eventId: 'forged' }];
      for (let seq = 11; seq <= 20; seq += 1) bodies.push(await read(events, seq));
      for (const [index, body] of bodies.entries()) {
        const rewritten = { ...body, seq: 11 + index, prevHash: previous.hash };
        const sealed = { ...rewritten, hash: hashEvent(rewritten), _id: key(11 + index) };
        await events.replaceOne({ _id: sealed._id }, sealed, { upsert: true });
        previous = sealed;
      }
    });
    expect(report.firstBad?.reason).to.equal('checkpoint_mismatch');
    expect(report.firstBad?.seq).to.be.within(11, 20);
  });

  it('when a checkpoint is altered, then its signature fails', async () => {
    const report = await verifyAfter((_events, checkpoints) =>
      checkpoints
        .updateOne({ _id: key(20) as never }, { $set: { headHash: 'f'.repeat(64) } })
        .then(() => undefined),
    );
    expect(report.firstBad).to.deep.include({ seq: 20, reason: 'checkpoint_signature_invalid' });
  });
});
