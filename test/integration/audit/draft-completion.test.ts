import { expect } from 'chai';
import { auditDraft, type AuditDraft } from '../../../src/audit/index.js';
import { systemActor } from '../../../src/platform/index.js';
import { isolatedUrls } from '../../helpers/services.js';
import { openAudit } from './audit-fixture.js';

const INCIDENT = 'bbbbbbbbbbbbbbbbbbbbbbbb';

/**
 * Drafts whose data is kept in a record stored before them (a triage decision's reasons): the outbox
 * names the record, the relay adds the data when it chains the draft, on real FerretDB.
 */
describe('Audit drafts completed from records when chained', () => {
  let audit: Awaited<ReturnType<typeof openAudit>>;
  /** Records of the source, as insert-only records of a module would hold them. */
  const records = new Map([['rec-1', { reasons: [{ rule: 'r/1', detail: 'first rule' }] }]]);
  const things = () => audit.db.db!.collection('completed_things');

  before(async () => {
    audit = await openAudit(isolatedUrls('draftcompletion').mongodbUri);
    audit.module.relay.register('completed_things');
  });
  after(async () => {
    await audit.close();
  });

  const naming = (id: string): AuditDraft =>
    auditDraft(
      systemActor('test'),
      'incident.triaged',
      { type: 'incident', id: INCIDENT },
      {
        data: { round: 0, decisionId: id },
        completeFrom: { source: 'test-records', id },
      },
    );
  const chained = (eventId: string) => audit.db.db!.collection('audit_events').findOne({ eventId });

  it('when no completer is known for a draft, then its document is left whole; once one is, the event is chained with the data and the draft pulled', async () => {
    const draft = naming('rec-1');
    await things().insertOne({ _id: 'one' as never, pendingAudit: [draft] });
    await audit.module.relay.relayNow();
    expect(await chained(draft.eventId)).to.equal(null);
    expect((await things().findOne({ _id: 'one' as never }))?.pendingAudit).to.have.length(1);

    audit.module.relay.completeWith('test-records', (ids) =>
      Promise.resolve(new Map(ids.flatMap((id) => (records.has(id) ? [[id, records.get(id)!]] : [])))),
    );
    await audit.module.relay.relayNow();
    const event = await chained(draft.eventId);
    expect(event?.data).to.deep.equal({ round: 0, decisionId: 'rec-1', ...records.get('rec-1') });
    expect(event).not.to.have.property('completeFrom');
    expect((await things().findOne({ _id: 'one' as never }))?.pendingAudit).to.deep.equal([]);
    // The chain verifies with the data in it.
    expect((await audit.module.audit.verify()).ok).to.equal(true);
  });

  it('when the record a draft names is missing, then the event is chained saying so and the trail goes on', async () => {
    const draft = naming('rec-gone');
    await things().insertOne({ _id: 'two' as never, pendingAudit: [draft] });
    await audit.module.relay.relayNow();
    const event = await chained(draft.eventId);
    expect(event?.data).to.deep.equal({
      round: 0,
      decisionId: 'rec-gone',
      missingRecord: 'test-records:rec-gone',
    });
    expect((await things().findOne({ _id: 'two' as never }))?.pendingAudit).to.deep.equal([]);
  });
});
