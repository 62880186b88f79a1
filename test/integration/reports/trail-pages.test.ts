import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { verifyExportFile, type AuditEvent, type AuditModule } from '../../../src/audit/index.js';
import type { Connection } from '../../../src/platform/db/index.js';
import { ReportHtmlRenderer } from '../../../src/reports/html-report.renderer.js';
import { ReportSourceRepository } from '../../../src/reports/report-source.repository.js';
import { createExportSchema } from '../../../src/reports/report.schemas.js';
import { ReportService } from '../../../src/reports/index.js';
import { TrailPageRepository } from '../../../src/reports/trail-pages.repository.js';
import { TrailReader, TrailReadError } from '../../../src/reports/trail-reader.js';
import { bulkAuditEvents } from '../../factories/report-fixtures.js';
import { isolatedUrls } from '../../helpers/services.js';
import { openAudit } from '../audit/audit-fixture.js';

const EVENTS = 2500;
const PAGE = 100;
const auditor = { userId: 'u-auditor', keyId: null, role: 'auditor' as const, bureauId: null, name: 'Aud' };
const renderer = new ReportHtmlRenderer('templates/reports');

async function all(events: AsyncIterable<AuditEvent>): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** The text of a report as a string (a few hundred KB here). */
async function text(reports: ReportService, format: 'csv' | 'ndjson'): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const report = await reports.open(auditor, createExportSchema.parse({ kind: 'trail', format }));
  await report.writeTo(sink);
  return Buffer.concat(chunks).toString('utf8');
}

describe('reports: the export page cache reads the trail as the chain holds it', function () {
  this.timeout(120_000);
  let audit: AuditModule;
  let db: Connection;
  let close: () => Promise<void>;
  let pages: TrailPageRepository;
  let cut: number;

  before(async () => {
    ({ module: audit, db, close } = await openAudit(isolatedUrls('trailpages').mongodbUri));
    await bulkAuditEvents(db, EVENTS);
    await audit.audit.checkpointNow();
    cut = (await audit.audit.checkpointList()).at(-1)?.seq ?? 0;
    pages = new TrailPageRepository(db, PAGE);
  });
  after(async () => {
    await close();
  });

  it('when a trail is exported with no pages, then again from the pages, then both files are identical', async () => {
    const plain = new ReportService(new ReportSourceRepository(db), audit.audit, renderer);
    const cached = new ReportService(new ReportSourceRepository(db), audit.audit, renderer, pages);
    const expected = await text(plain, 'csv');
    expect(await pages.count()).to.equal(0);
    expect(await text(cached, 'csv')).to.equal(expected); // cold: reads the chain, writes the pages
    expect(await pages.count()).to.equal(Math.floor(cut / PAGE));
    expect(await text(cached, 'csv')).to.equal(expected); // warm: reads the pages
    expect(expected.split('\n').length).to.be.greaterThan(EVENTS);
  });

  it('when the NDJSON trail is written from the pages, then it verifies offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trail-pages-'));
    try {
      const cached = new ReportService(new ReportSourceRepository(db), audit.audit, renderer, pages);
      const file = join(dir, 'trail.ndjson');
      writeFileSync(file, await text(cached, 'ndjson'));
      const report = await verifyExportFile(file, { publicKeyPem: audit.audit.publicKeyPem() });
      expect(report.ok, JSON.stringify(report.firstBad)).to.equal(true);
      expect(report.eventsChecked).to.equal(cut);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the trail is read again after new pages, then a reader sees the same events in seq order', async () => {
    await pages.clear();
    const signed = { seq: cut, checkpoints: await audit.audit.checkpointList() };
    const plain = await all(new TrailReader(audit.audit).events(signed));
    expect(plain.map((event) => event.seq)).to.deep.equal(Array.from({ length: cut }, (_, k) => k + 1));
    // Cold by one scan (pointReadMax 0), then warm.
    expect(await all(new TrailReader(audit.audit, pages, 0).events(signed))).to.deep.equal(plain);
    expect(await pages.count()).to.equal(Math.floor(cut / PAGE));
    expect(await all(new TrailReader(audit.audit, pages).events(signed))).to.deep.equal(plain);
  });

  it('when a page no longer matches the chain, then the export fails loudly and the next one reads the chain', async () => {
    const signed = { seq: cut, checkpoints: await audit.audit.checkpointList() };
    const plain = await all(new TrailReader(audit.audit).events(signed));
    await pages.clear();
    const forged = plain.slice(0, 3 * PAGE).map((event) => ({ ...event }));
    forged[2 * PAGE + 5].data = { forged: true };
    forged[2 * PAGE + 5].hash = 'f'.repeat(64);
    for (let index = 0; index < 3; index += 1) {
      await pages.put(index, forged.slice(index * PAGE, (index + 1) * PAGE));
    }
    let failure: unknown;
    try {
      await all(new TrailReader(audit.audit, pages).events(signed));
    } catch (err) {
      failure = err;
    }
    expect(failure).to.be.instanceOf(TrailReadError);
    expect(await pages.count()).to.equal(0);
    expect(await all(new TrailReader(audit.audit, pages).events(signed))).to.deep.equal(plain);
  });
  it('when events were appended after the last page, then they are read by seq and paged', async () => {
    await bulkAuditEvents(db, 150, await audit.audit.head());
    await audit.audit.checkpointNow();
    const checkpoints = await audit.audit.checkpointList();
    const signed = { seq: checkpoints.at(-1)?.seq ?? 0, checkpoints };
    expect(signed.seq).to.equal(cut + 150);
    const plain = await all(new TrailReader(audit.audit).events(signed));
    const cached = await all(new TrailReader(audit.audit, pages).events(signed));
    expect(cached).to.deep.equal(plain);
    expect(cached.map((event) => event.seq)).to.deep.equal(
      Array.from({ length: signed.seq }, (_, k) => k + 1),
    );
    expect(await pages.count()).to.equal(Math.floor(signed.seq / PAGE));
  });
});

describe('reports: the trail is exported in seq order or not at all', function () {
  this.timeout(120_000);
  let audit: AuditModule;
  let db: Connection;
  let close: () => Promise<void>;
  const key = (seq: number) => String(seq).padStart(12, '0');
  // No point reads (pointReadMax 0): the natural-order scan, where storage order matters.
  const read = () => all(new TrailReader(audit.audit, null, 0).events({ seq: 300, checkpoints: [] }));

  before(async () => {
    ({ module: audit, db, close } = await openAudit(isolatedUrls('trailorder').mongodbUri));
    await bulkAuditEvents(db, 300);
  });
  after(async () => {
    await close();
  });

  it('when a seq is missing, then the scan passes the gap and keeps the order', async () => {
    await db.db!.collection<{ _id: string }>('audit_events').deleteOne({ _id: key(50) });
    expect((await read()).map((event) => event.seq)).to.deep.equal(
      Array.from({ length: 300 }, (_, k) => k + 1).filter((seq) => seq !== 50),
    );
  });

  it('when the middle of the chain was stored last, then the export fails instead of reordering', async () => {
    // Natural order becomes 1..100, 201..300, 101..200.
    const events = db.db!.collection<Record<string, unknown> & { _id: string; seq: number }>('audit_events');
    const middle = await events.find({ seq: { $gt: 100, $lte: 200 } }).toArray();
    await events.deleteMany({ seq: { $gt: 100, $lte: 200 } });
    await events.insertMany(middle.sort((a, b) => a.seq - b.seq));
    let failure: unknown;
    try {
      await read();
    } catch (err) {
      failure = err;
    }
    expect(failure).to.be.instanceOf(TrailReadError);
    expect((failure as Error).message).to.match(/not in seq order/);
  });
});
