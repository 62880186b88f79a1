import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditDraft, verifyExportFile, writeExport, type AuditModule } from '../../../src/audit/index.js';
import { systemActor } from '../../../src/platform/index.js';
import type { Connection } from '../../../src/platform/db/index.js';
import { isolatedUrls } from '../../helpers/services.js';
import { draftFor, openAudit } from './audit-fixture.js';

const signingKey = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('audit chain on FerretDB: append, outbox relay, verification', () => {
  let audit: AuditModule;
  let db: Connection;
  let close: () => Promise<void>;

  before(async () => {
    const opened = await openAudit(isolatedUrls('auditchain').mongodbUri, {
      AUDIT_SIGNING_KEY: signingKey,
      AUDIT_CHECKPOINT_EVERY: '5',
    });
    ({ module: audit, db, close } = opened);
  });
  after(() => close());

  it('when events are recorded concurrently, then they form one gapless verifying chain', async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, index) => audit.audit.record(draftFor(`inc-${index % 3}`))),
    );
    const report = await audit.audit.verify();
    expect(report).to.include({ ok: true, eventsChecked: 30 });
    expect(report.head.seq).to.equal(30);
    expect(report.checkpointsChecked).to.be.greaterThan(0);
  });

  it('when a caller appends again the moment its previous append resolves, then nothing is stranded', async () => {
    const before = await audit.audit.head();
    for (let index = 0; index < 20; index += 1) await audit.audit.recordMany([draftFor('inc-loop')]);
    expect((await audit.audit.head()).seq).to.equal(before.seq + 20);
  });

  it('when a draft with Dates and nested values is chained, then it re-hashes identically after FerretDB', async () => {
    const draft = auditDraft(
      systemActor('test'),
      'incident.updated',
      { type: 'incident', id: 'inc-dates' },
      {
        changes: [{ field: 'awareAt', before: null, after: new Date('2026-03-01T10:00:00.5Z') }],
        data: { nested: { list: [1, 2.5, 'x', true, null], when: new Date(0) }, unicode: 'é\u2028漢' },
      },
    );
    const event = await audit.audit.record(draft);
    expect(event?.changes[0]?.after).to.equal('2026-03-01T10:00:00.500Z');
    expect((await audit.audit.verify()).ok).to.equal(true);
  });

  it('when a document carries pending drafts, then the relay chains them in order and empties the outbox', async () => {
    const incidents = db.db!.collection('relay_things');
    audit.relay.register('relay_things');
    const first = draftFor('inc-relay', 'incident.created');
    const second = { ...draftFor('inc-relay', 'incident.triaged'), at: new Date(first.at.getTime() + 1) };
    await incidents.insertOne({ _id: 'doc-1' as never, status: 'new', pendingAudit: [second, first] });
    await audit.relay.relayNow();
    const timeline = await audit.audit.forSubject('incident', 'inc-relay');
    expect(timeline.map((event) => event.action)).to.deep.equal(['incident.created', 'incident.triaged']);
    expect((await incidents.findOne({ _id: 'doc-1' as never }))?.pendingAudit).to.deep.equal([]);
  });

  it('when the relay crashed after appending but before pulling, then the drafts are not chained twice', async () => {
    const things = db.db!.collection('relay_things');
    const draft = draftFor('inc-crash');
    await audit.audit.record(draft); // the append happened...
    await things.insertOne({ _id: 'doc-2' as never, pendingAudit: [draft] }); // ...the pull did not
    const before = await audit.audit.head();
    await audit.relay.relayNow();
    expect((await audit.audit.head()).seq).to.equal(before.seq);
    expect((await things.findOne({ _id: 'doc-2' as never }))?.pendingAudit).to.deep.equal([]);
  });

  it('lists events with filters and a seq cursor, in bounded pages', async () => {
    const page = await audit.audit.list({ limit: 10 });
    expect(page.events).to.have.length(10);
    const next = await audit.audit.list({ limit: 10, after: page.nextCursor! });
    expect(next.events[0]?.seq).to.equal(11);
    expect(page.nextCursor).to.equal(10);
    const filtered = await audit.audit.list({ subjectId: 'inc-1', limit: 500 });
    expect(filtered.events.every((event) => event.subject.id === 'inc-1')).to.equal(true);
    expect(filtered.events.length).to.equal(10); // 30 concurrent records over inc-0..inc-2
  });

  it('when the trail is exported, then the file verifies offline with the public key, and fails if edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
    try {
      const path = join(dir, 'trail.ndjson');
      const count = await writeExport(audit.audit, path);
      const report = await verifyExportFile(path, { publicKeyPem: audit.audit.publicKeyPem() });
      expect(report).to.deep.include({ ok: true, eventsChecked: count });
      expect(report.head).to.deep.equal(await audit.audit.head());
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace('"seq":12,', '"seq":12,"injected":1,').replace('inc-2"', 'inc-9"'),
      );
      expect((await verifyExportFile(path, { publicKeyPem: audit.audit.publicKeyPem() })).ok).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports on one subject while verifying the whole chain', async () => {
    const report = await audit.audit.verify({ subjectId: 'inc-relay' });
    expect(report.ok).to.equal(true);
    expect(report.subject).to.deep.include({ id: 'inc-relay', events: 2, ok: true });
  });
});
