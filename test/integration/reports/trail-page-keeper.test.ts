import { expect } from 'chai';
import { createLogger } from '../../../src/platform/index.js';
import type { AuditEvent, AuditModule } from '../../../src/audit/index.js';
import type { Connection } from '../../../src/platform/db/index.js';
import { TrailPageRepository } from '../../../src/reports/trail-pages.repository.js';
import { TrailPageKeeper } from '../../../src/reports/trail-page-keeper.js';
import { TrailReader } from '../../../src/reports/trail-reader.js';
import { bulkAuditEvents } from '../../factories/report-fixtures.js';
import { isolatedUrls } from '../../helpers/services.js';
import { openAudit } from '../audit/audit-fixture.js';

const PAGE = 100;

async function all(events: AsyncIterable<AuditEvent>): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('reports: the page keeper pages the chain in the background', function () {
  this.timeout(120_000);
  let audit: AuditModule;
  let db: Connection;
  let close: () => Promise<void>;
  let pages: TrailPageRepository;
  let keeper: TrailPageKeeper;

  before(async () => {
    ({ module: audit, db, close } = await openAudit(isolatedUrls('pagekeeper').mongodbUri));
    await bulkAuditEvents(db, 1050);
    pages = new TrailPageRepository(db, PAGE);
    keeper = new TrailPageKeeper(audit.audit, pages, createLogger('silent'));
  });
  after(async () => {
    await close();
  });

  it('when the chain holds 1,050 events, then it writes the ten full pages and leaves the rest', async () => {
    expect(await keeper.pass()).to.equal(10);
    expect(await pages.end()).to.deep.include({ index: 10 });
    expect(await keeper.pass()).to.equal(0);
  });

  it('when a reader exports after it, then it reads the pages and the same events as the chain', async () => {
    await audit.audit.checkpointNow();
    const checkpoints = await audit.audit.checkpointList();
    const cut = { seq: checkpoints.at(-1)?.seq ?? 0, checkpoints };
    const fromPages = await all(new TrailReader(audit.audit, pages).events(cut));
    const fromChain = await all(new TrailReader(audit.audit, null, 0).events(cut));
    expect(fromPages.map((event) => event.hash)).to.deep.equal(fromChain.map((event) => event.hash));
    expect(fromPages.map((event) => event.seq)).to.deep.equal(
      Array.from({ length: cut.seq }, (_, i) => i + 1),
    );
  });

  it('when an event inside the next page was deleted, then it stops there and writes nothing past it', async () => {
    const head = (await audit.audit.head()).seq;
    await bulkAuditEvents(db, 1200 - head, await audit.audit.head());
    const victim = await db.db!.collection('audit_events').findOne({ seq: 1150 });
    await db.db!.collection('audit_events').deleteOne({ _id: victim!._id });
    expect(await keeper.pass()).to.equal(1); // page 10 (1001-1100) is whole; page 11 has a gap
    expect((await pages.end()).index).to.equal(11);
  });
});

describe('reports: the page keeper reads a page in a few queries', function () {
  this.timeout(120_000);

  it('when it pages 1,000 events, then it reads them by pages of ids, not one lookup per event', async () => {
    let reads = 0;
    const {
      module: audit,
      db,
      close,
    } = await openAudit(isolatedUrls('pagekeeper-reads').mongodbUri, {}, undefined, {
      onCommand: (event) => {
        if (event.commandName === 'find' && event.command.find === 'audit_events') reads += 1;
      },
    });
    try {
      await bulkAuditEvents(db, 1000);
      const keeper = new TrailPageKeeper(
        audit.audit,
        new TrailPageRepository(db, 500),
        createLogger('silent'),
      );
      reads = 0;
      expect(await keeper.pass()).to.equal(2);
      // Finding the head gallops and bisects by point lookups (about 2·log2(1,000)); each 500-event
      // page is two rounds of at most 501 ids, each at most two `_id $in` reads.
      expect(reads).to.be.at.most(40);
    } finally {
      await close();
    }
  });
});
