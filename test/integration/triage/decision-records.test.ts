import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueIndicator } from '../../factories/incident.factory.js';
import { reportAndTriage, walkTo } from '../workflow/workflow-fixture.js';
import { waitFor } from '../../helpers/wait.js';

type Reason = { rule: string; detail: string };
type View = { triage?: { decisionId: string; round: number; reasons: Reason[] } | null; revision: number };

describe('Triage decisions as their own records', function () {
  this.timeout(90_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;

  const stored = (collection: string, filter: Record<string, unknown>) => {
    const store = runtime.platform.db.db;
    if (!store) throw new Error('not connected');
    return store.collection(collection).find(filter).toArray();
  };

  /** Triages the incident again, expecting nothing new: no second record; its view before and after. */
  const triageAgain = async (id: string): Promise<{ before: View; after: View }> => {
    const view = async () =>
      (await call<View>(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: responder.key })).body;
    const before = await view();
    expect(await runtime.modules.intake.triage.triage(id)).to.equal('unchanged');
    expect(await stored('triage_decisions', { incidentId: id })).to.have.length(1);
    return { before, after: await view() };
  };

  before(async () => {
    runtime = await startTestRuntime('decisionrecords');
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
  });

  it('when a report is triaged, then the decision is a record of its own, the incident keeps a summary naming it, and the API shows its reasons', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, {}, false);
    const [incident] = await stored('incidents', { bureauId: reporter.actor.bureauId });
    const summary = incident.triage as { decisionId: string; reasons?: unknown } | undefined;
    expect(summary?.reasons, 'no reasons on the incident').to.equal(undefined);
    const records = await stored('triage_decisions', { incidentId: triaged.id });
    expect(records.map((r) => String(r._id))).to.deep.equal([summary?.decisionId]);
    const reasons = records[0]?.reasons as Reason[];
    expect(reasons.length).to.be.greaterThan(0);

    const cert = await call<View>(runtime.url, 'GET', `/api/v1/incidents/${triaged.id}`, {
      key: responder.key,
    });
    expect(cert.body.triage?.reasons).to.deep.equal(reasons);
    expect(cert.body.triage?.decisionId).to.equal(summary?.decisionId);
    // A reporter never sees the reasons (they may speak of other bureaux).
    const own = await call<View>(runtime.url, 'GET', `/api/v1/incidents/${triaged.id}`, {
      key: reporter.key,
    });
    expect(own.body.triage).to.equal(undefined);
  });

  it('when a report is triaged, then its audit event has the reasons, taken from the record when chained rather than written twice on the incident', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, {}, false);
    const [record] = await stored('triage_decisions', { incidentId: triaged.id });
    const events = await waitFor(
      () => stored('audit_events', { 'subject.id': triaged.id, action: 'incident.triaged' }),
      (found) => found.length === 1,
    );
    expect(events).to.have.length(1);
    const data = events[0]?.data as { reasons?: unknown; decisionId?: unknown; round?: unknown };
    expect(data.decisionId).to.equal(String(record._id));
    expect(data.round).to.equal(0);
    expect(data.reasons).to.deep.equal(record.reasons);
  });

  it('when a triage job reaches an incident after it was closed, then the decision it was closed with stands and the version a responder holds stays', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, {}, false);
    const closed = await walkTo(runtime.url, responder, triaged, 'closed');
    // A job left over from before (a crashed process, the previous version's outbox) runs now.
    const { before, after } = await triageAgain(closed.id);
    expect(after.revision).to.equal(before.revision);
    expect(after.triage?.decisionId).to.equal(before.triage?.decisionId);
  });

  it('when triage runs again on the same input, then no second record is stored and the version a responder holds stays', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, {}, false);
    const { before, after } = await triageAgain(triaged.id);
    expect(after.revision).to.equal(before.revision);
  });

  it('when a material update re-triages the incident, then the new round has its own record and the summary names it', async () => {
    const triaged = await reportAndTriage(runtime.url, reporter, responder, {}, false);
    const updated = await call(runtime.url, 'POST', `/api/v1/incidents/${triaged.id}/updates`, {
      key: reporter.key,
      body: { note: 'The media called', flags: { mediaInterest: true } },
    });
    expect(updated.status, updated.text).to.be.lessThan(300);
    // The worker triages round 1 (job `<id>-r1`).
    const view = await waitFor(
      () => call<View>(runtime.url, 'GET', `/api/v1/incidents/${triaged.id}`, { key: responder.key }),
      (answer) => answer.body.triage?.round === 1,
    );
    expect(view.body.triage?.round).to.equal(1);
    const records = await stored('triage_decisions', { incidentId: triaged.id });
    expect(records).to.have.length(2);
    const current = records.find((r) => String(r._id) === view.body.triage?.decisionId);
    expect(current?.round).to.equal(1);
    expect(view.body.triage?.reasons).to.deep.equal(current?.reasons);
  });

  describe('the revision rule: a re-triage a responder cannot see does not move their ETag', () => {
    const etagAfter = async (id: string, body: Record<string, unknown>) => {
      const updated = await call<View>(runtime.url, 'POST', `/api/v1/incidents/${id}/updates`, {
        key: reporter.key,
        body,
      });
      expect(updated.status, updated.text).to.be.lessThan(300);
      // The update itself is news: its answer carries the revision the responder now holds.
      return updated.body.revision;
    };
    const afterRound = (id: string, round: number) =>
      waitFor(
        () => call<View>(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: responder.key }),
        (answer) => answer.body.triage?.round === round,
      );

    it('when an update adds an indicator (material, but the policy never reads indicators), then the confirmed round leaves the ETag as the update left it', async () => {
      const triaged = await reportAndTriage(runtime.url, reporter, responder, {}, false);
      const revision = await etagAfter(triaged.id, { indicators: [uniqueIndicator()] });
      const view = await afterRound(triaged.id, 1);
      expect(view.body.triage?.round).to.equal(1);
      expect(view.headers.get('etag')).to.equal(`W/"${String(revision)}"`);
    });

    it('when an update changes a fact the policy reads but its decision stays the same, then the new decision is recorded and the ETag stays as the update left it', async () => {
      const triaged = await reportAndTriage(runtime.url, reporter, responder, {}, false);
      const revision = await etagAfter(triaged.id, { peopleAffected: { staff: 41 } });
      const view = await afterRound(triaged.id, 1);
      expect(view.body.triage?.round).to.equal(1);
      const records = await stored('triage_decisions', { incidentId: triaged.id });
      expect(records, 'a record per decision').to.have.length(2);
      expect(view.body.triage?.decisionId).to.equal(String(records.find((r) => r.round === 1)?._id));
      expect(view.headers.get('etag')).to.equal(`W/"${String(revision)}"`);
    });
  });
});
