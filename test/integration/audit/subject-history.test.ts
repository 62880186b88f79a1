import { expect } from 'chai';
import type { AuditModule } from '../../../src/audit/index.js';
import { isolatedUrls } from '../../helpers/services.js';
import { draftFor, openAudit } from './audit-fixture.js';

describe('audit: one subject’s history, newest first, a page at a time', () => {
  let audit: AuditModule;
  let close: () => Promise<void>;

  before(async () => {
    ({ module: audit, close } = await openAudit(isolatedUrls('audithistory').mongodbUri));
  });
  after(() => close());

  it('when a subject has five events among others, then pages of two come newest first and end with no cursor', async () => {
    for (let n = 0; n < 5; n += 1) {
      await audit.audit.record(draftFor('inc-a', 'incident.noted', { n }));
      await audit.audit.record(draftFor('inc-b', 'incident.noted', { n }));
    }
    const first = await audit.audit.subjectPage('incident', 'inc-a', { limit: 2 });
    expect(first.events.map((e) => e.data.n)).to.deep.equal([4, 3]);
    expect(first.events.every((e) => e.subject.id === 'inc-a')).to.equal(true);
    expect(first.nextBefore).to.equal(first.events[1].seq);
    const second = await audit.audit.subjectPage('incident', 'inc-a', {
      limit: 2,
      before: first.nextBefore ?? undefined,
    });
    expect(second.events.map((e) => e.data.n)).to.deep.equal([2, 1]);
    const last = await audit.audit.subjectPage('incident', 'inc-a', {
      limit: 2,
      before: second.nextBefore ?? undefined,
    });
    expect(last.events.map((e) => e.data.n)).to.deep.equal([0]);
    expect(last.nextBefore).to.equal(null);
  });

  it('when a subject has no events, then the page is empty', async () => {
    const page = await audit.audit.subjectPage('incident', 'inc-none');
    expect(page).to.deep.equal({ events: [], nextBefore: null });
  });
});
