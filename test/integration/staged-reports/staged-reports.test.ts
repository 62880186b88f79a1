import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call, type Answer } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { reportAndTriage, workflowOf } from '../workflow/workflow-fixture.js';
import { waitFor } from '../../helpers/wait.js';

interface ReportJson {
  id: string;
  obligation: string;
  occurrence: number;
  version: number;
  state: string;
  whatHappened: string;
  rootCause: string | null;
  clock: { key: string; late: boolean; metByThisReport: boolean; metAt: string | null };
  review: { state: string; comment: string | null; by: { name: string } } | null;
}

interface OwedJson {
  items: Array<{
    obligation: string;
    name: string;
    occurrence: number;
    status: string;
    late: boolean;
    met: boolean;
    open: boolean;
    versions: ReportJson[];
  }>;
}

interface EventsJson {
  events: Array<{ action: string; subject: { id: string }; data: Record<string, unknown> }>;
}

const PRELIMINARY = 'report.giro.preliminary';
const INTERIM = 'report.giro.interim';
const CONTENT = {
  whatHappened: 'Ransomware encrypted the file server on the 3rd floor.',
  impact: 'Shared drives unavailable for 40 staff; no citizen data affected.',
  actionsTaken: 'Server isolated; restoring from the nightly backup.',
};

describe('Staged reports a bureau owes (API)', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let colleague: TestActor;
  let otherReporter: TestActor;
  let responder: TestActor;
  let lead: TestActor;
  let auditor: TestActor;

  const path = (id: string, tail = '') => `/api/v1/incidents/${id}/staged-reports${tail}`;
  const owed = (actor: TestActor, id: string) =>
    call<OwedJson>(runtime.url, 'GET', path(id), { key: actor.key });
  const submit = (actor: TestActor, id: string, body: Record<string, unknown>): Promise<Answer<ReportJson>> =>
    call<ReportJson>(runtime.url, 'POST', path(id), { key: actor.key, body });
  const review = (actor: TestActor, id: string, reportId: string, body: Record<string, unknown>) =>
    call<ReportJson>(runtime.url, 'POST', path(id, `/${reportId}/review`), { key: actor.key, body });
  const rowOf = (answer: Answer<OwedJson>, obligation: string, occurrence = 0) =>
    answer.body.items.find((row) => row.obligation === obligation && row.occurrence === occurrence);

  before(async () => {
    runtime = await startTestRuntime('stagedreports');
    reporter = await createActor(runtime, { role: 'reporter' });
    colleague = await createActor(runtime, { role: 'reporter', bureauId: reporter.actor.bureauId ?? '' });
    otherReporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
    lead = await createActor(runtime, { role: 'lead' });
    auditor = await createActor(runtime, { role: 'auditor' });
  });
  after(async () => {
    await runtime.stop();
  });

  it('when a bureau opens a fresh incident, then each of its own clocks is a report owed and the CERT clocks are not', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    const answer = await owed(reporter, incident.id);
    expect(answer.status, answer.text).to.equal(200);
    const obligations = answer.body.items.map((row) => row.obligation);
    expect(obligations).to.include(PRELIMINARY);
    expect(obligations.every((o) => o.startsWith('report.'))).to.equal(true);
    expect(rowOf(answer, PRELIMINARY)).to.include({ status: 'due', open: true, met: false });
    // Auditors read it too.
    expect((await owed(auditor, incident.id)).status).to.equal(200);
  });

  it("when another bureau asks for the incident's reports or submits one, then it is not found", async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    expect((await owed(otherReporter, incident.id)).status).to.equal(404);
    const refused = await submit(otherReporter, incident.id, { obligation: PRELIMINARY, ...CONTENT });
    expect(refused.status, refused.text).to.equal(404);
    const nothing = await owed(reporter, incident.id);
    expect(rowOf(nothing, PRELIMINARY)?.versions).to.have.length(0);
  });

  it('when a responder or an auditor submits, or a reporter reviews, then the role is refused', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    expect((await submit(responder, incident.id, { obligation: PRELIMINARY, ...CONTENT })).status).to.equal(
      403,
    );
    expect((await submit(auditor, incident.id, { obligation: PRELIMINARY, ...CONTENT })).status).to.equal(
      403,
    );
    const sent = await submit(reporter, incident.id, { obligation: PRELIMINARY, ...CONTENT });
    expect(sent.status, sent.text).to.equal(201);
    expect((await review(reporter, incident.id, sent.body.id, { decision: 'accepted' })).status).to.equal(
      403,
    );
    expect((await review(auditor, incident.id, sent.body.id, { decision: 'accepted' })).status).to.equal(403);
  });

  it('when a reporter submits the preliminary report, then its clock is met once, the report waits for review and the submission is audited', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    const sent = await submit(reporter, incident.id, {
      obligation: PRELIMINARY,
      ...CONTENT,
      nextSteps: 'Root cause analysis with the vendor.',
      reference: 'GIRO-SO 2026/118',
    });
    expect(sent.status, sent.text).to.equal(201);
    expect(sent.body).to.include({ obligation: PRELIMINARY, occurrence: 0, version: 1, state: 'submitted' });
    expect(sent.body.clock).to.include({ late: false, metByThisReport: true });

    const workflow = (await workflowOf(runtime.url, responder, incident.id)).body;
    const clock = workflow.clocks.find((c) => c.key === sent.body.clock.key);
    expect(clock?.state).to.equal('met');
    expect(workflow.obligations.filter((o) => o.obligation === PRELIMINARY)).to.have.length(1);
    const row = rowOf(await owed(reporter, incident.id), PRELIMINARY);
    expect(row).to.include({ status: 'submitted', met: true, open: false, late: false });

    // A second submission of the same report is refused: nothing is open for it now.
    const again = await submit(colleague, incident.id, { obligation: PRELIMINARY, ...CONTENT });
    expect(again.status, again.text).to.equal(409);
    expect((again.body as unknown as { error: { code: string } }).error.code).to.equal('not_open');

    const events = await waitFor(
      () =>
        call<EventsJson>(
          runtime.url,
          'GET',
          '/api/v1/audit/events?action=staged_report.submitted&limit=500',
          {
            key: auditor.key,
          },
        ),
      (answer) => answer.body.events.some((e) => e.data.reportId === sent.body.id),
    );
    const event = events.body.events.find((e) => e.data.reportId === sent.body.id);
    expect(event?.subject.id).to.equal(incident.id);
    expect(event?.data).to.include({ obligation: PRELIMINARY, version: 1, reference: 'GIRO-SO 2026/118' });
  });

  it('when the CERT asks for a revision, then the bureau sees the comment, sends version 2 without meeting the clock again, and the CERT accepts it once', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    const first = await submit(reporter, incident.id, { obligation: PRELIMINARY, ...CONTENT });
    expect(first.status, first.text).to.equal(201);

    const started = await review(responder, incident.id, first.body.id, { decision: 'under_review' });
    expect(started.status, started.text).to.equal(200);
    expect(rowOf(await owed(reporter, incident.id), PRELIMINARY)?.status).to.equal('under_review');

    const noComment = await review(responder, incident.id, first.body.id, { decision: 'revision_requested' });
    expect(noComment.status, noComment.text).to.equal(422);
    const revise = await review(responder, incident.id, first.body.id, {
      decision: 'revision_requested',
      comment: 'Say how many citizens could not renew licences.',
    });
    expect(revise.status, revise.text).to.equal(200);
    const waiting = rowOf(await owed(reporter, incident.id), PRELIMINARY);
    expect(waiting).to.include({ status: 'revision_requested', open: true });
    expect(waiting?.versions[0]?.review?.comment).to.equal('Say how many citizens could not renew licences.');

    // A decision on a version already decided is refused.
    const late = await review(lead, incident.id, first.body.id, { decision: 'accepted' });
    expect(late.status, late.text).to.equal(409);

    const second = await submit(reporter, incident.id, {
      obligation: PRELIMINARY,
      ...CONTENT,
      impact: 'Shared drives down 6 hours; 120 citizens could not renew licences online.',
    });
    expect(second.status, second.text).to.equal(201);
    expect(second.body).to.include({ version: 2, state: 'submitted' });
    expect(second.body.clock.metByThisReport).to.equal(false);
    const workflow = (await workflowOf(runtime.url, responder, incident.id)).body;
    expect(workflow.obligations.filter((o) => o.obligation === PRELIMINARY)).to.have.length(1);

    const accepted = await review(lead, incident.id, second.body.id, { decision: 'accepted' });
    expect(accepted.status, accepted.text).to.equal(200);
    const twice = await review(responder, incident.id, second.body.id, {
      decision: 'revision_requested',
      comment: 'too late',
    });
    expect(twice.status).to.equal(409);
    const row = rowOf(await owed(reporter, incident.id), PRELIMINARY);
    expect(row).to.include({ status: 'accepted', open: false });
    expect(row?.versions.map((v) => v.state)).to.deep.equal(['revision_requested', 'accepted']);

    const trail = await waitFor(
      () =>
        call<EventsJson>(runtime.url, 'GET', '/api/v1/audit/events?action=staged_report.accepted&limit=500', {
          key: auditor.key,
        }),
      (answer) => answer.body.events.some((e) => e.data.reportId === second.body.id),
    );
    expect(trail.body.events.some((e) => e.data.reportId === second.body.id)).to.equal(true);
    const revisions = await call<EventsJson>(
      runtime.url,
      'GET',
      '/api/v1/audit/events?action=staged_report.revision_requested&limit=500',
      { key: auditor.key },
    );
    expect(revisions.body.events.find((e) => e.data.reportId === first.body.id)?.data.comment).to.equal(
      'Say how many citizens could not renew licences.',
    );
  });

  it('when the bureau sends its report after the deadline, then the clock is met late and the row says so', async () => {
    const threeDaysAgo = (minutes: number) =>
      new Date(Date.now() - 3 * 86_400_000 - minutes * 60_000).toISOString();
    const incident = await reportAndTriage(runtime.url, reporter, responder, {
      times: { occurredAt: threeDaysAgo(60), discoveredAt: threeDaysAgo(30), awareAt: threeDaysAgo(0) },
    });
    expect(rowOf(await owed(reporter, incident.id), PRELIMINARY)?.status).to.equal('overdue');
    const sent = await submit(reporter, incident.id, { obligation: PRELIMINARY, ...CONTENT });
    expect(sent.status, sent.text).to.equal(201);
    expect(sent.body.clock.late).to.equal(true);
    const row = rowOf(await owed(reporter, incident.id), PRELIMINARY);
    expect(row).to.include({ status: 'submitted', late: true, met: true });
    const clock = (await workflowOf(runtime.url, responder, incident.id)).body.clocks.find(
      (c) => c.key === sent.body.clock.key,
    );
    expect(clock?.state).to.equal('breached');
    expect(clock?.metAt).to.be.a('string');
  });

  it('when the bureau sends an interim report, then the next one is due and each is a report of its own', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    const sent = await submit(reporter, incident.id, { obligation: INTERIM, ...CONTENT });
    expect(sent.status, sent.text).to.equal(201);
    expect(sent.body.occurrence).to.equal(0);
    const answer = await owed(reporter, incident.id);
    expect(rowOf(answer, INTERIM, 0)).to.include({ status: 'submitted', open: false });
    expect(rowOf(answer, INTERIM, 1)).to.include({ status: 'due', open: true });
    const next = await submit(colleague, incident.id, { obligation: INTERIM, occurrence: 1, ...CONTENT });
    expect(next.status, next.text).to.equal(201);
    expect(next.body).to.include({ occurrence: 1, version: 1 });
  });

  it('when a reporter sends a report time in the future or leaves a field out, then the fields are named', async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    const future = await submit(reporter, incident.id, {
      obligation: PRELIMINARY,
      ...CONTENT,
      reportedAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.status).to.equal(422);
    expect(future.text).to.include('reportedAt');
    const { impact: _left, ...partial } = CONTENT;
    const missing = await submit(reporter, incident.id, { obligation: PRELIMINARY, ...partial });
    expect(missing.status).to.equal(422);
    expect(missing.text).to.include('impact');
  });
});
