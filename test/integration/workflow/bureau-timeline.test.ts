import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { change, moveTo, reportAndTriage, workflowOf } from './workflow-fixture.js';
import { waitFor } from '../../helpers/wait.js';

interface TimelineJson {
  items: Array<{
    kind: string;
    action: string;
    by: { name: string; role: string } | null;
    text: string | null;
    data: { changes?: Array<{ field: string; before: unknown; after: unknown }> } & Record<string, unknown>;
  }>;
}

const NOTE = 'Internal: the vendor suspects an insider, do not tell the bureau yet';

describe("A bureau reading its own incident's timeline", function () {
  this.timeout(90_000);
  let runtime: TestRuntime;
  let reporter: TestActor;
  let otherReporter: TestActor;
  let responder: TestActor;
  const timeline = (actor: TestActor, id: string) =>
    call<TimelineJson>(runtime.url, 'GET', `/api/v1/incidents/${id}/timeline`, { key: actor.key });

  before(async () => {
    runtime = await startTestRuntime('bureautimeline');
    reporter = await createActor(runtime, { role: 'reporter' });
    otherReporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
  });

  /** A triaged incident the CERT noted, claimed and acknowledged, and the bureau reported on and updated. */
  async function workedIncident() {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    const url = (tail: string) => `/api/v1/incidents/${incident.id}/${tail}`;
    let current = (await workflowOf(runtime.url, responder, incident.id)).body;
    const noted = await change(runtime.url, responder, url('notes'), current.revision, { text: NOTE });
    expect(noted.status, noted.text).to.equal(201);
    const claimed = await change(runtime.url, responder, url('claim'), noted.body.revision);
    expect(claimed.status, claimed.text).to.equal(200);
    const acknowledged = await moveTo(runtime.url, responder, claimed.body, 'acknowledged');
    expect(acknowledged.status, acknowledged.text).to.equal(200);
    current = (await workflowOf(runtime.url, reporter, incident.id)).body;
    const recorded = await call(runtime.url, 'POST', url('obligations'), {
      key: reporter.key,
      body: {
        // The initial report is met by filing the report here: the bureau records its written one.
        obligation: 'report.giro.preliminary',
        at: new Date().toISOString(),
        reference: 'phoned GIRO-SO',
        version: current.revision,
      },
    });
    expect(recorded.status, recorded.text).to.equal(201);
    const updated = await call(runtime.url, 'POST', url('updates'), {
      key: reporter.key,
      body: { note: 'users report slow logins', flags: { mediaInterest: true } },
    });
    expect(updated.status, updated.text).to.equal(201);
    // Events reach the audit trail shortly after their writes: wait until the CERT sees all of them.
    const wanted = [
      'incident.note_added',
      'incident.claimed',
      'incident.acknowledged',
      'obligation.recorded',
      'incident.updated',
    ];
    const full = await waitFor(
      () => timeline(responder, incident.id),
      (answer) => wanted.every((action) => answer.body.items.some((e) => e.action === action)),
    );
    const detail = await call<{ triage: { queue: string; policyVersion: string } }>(
      runtime.url,
      'GET',
      `/api/v1/incidents/${incident.id}`,
      { key: responder.key },
    );
    return { incident, full: full.body, triage: detail.body.triage };
  }

  it('when the reporter asks for it, then it is 200 with the bureau share: its reports and status, no notes, queues, policy version, reasons or CERT clocks', async () => {
    const { incident, full, triage } = await workedIncident();
    // The CERT's own view holds everything the bureau must not see.
    const fullText = JSON.stringify(full);
    for (const secret of [NOTE, triage.policyVersion, 'hk-gov.acknowledge', 'incident.claimed', 'reasons']) {
      expect(fullText, secret).to.include(secret);
    }

    const answer = await timeline(reporter, incident.id);
    expect(answer.status, answer.text).to.equal(200);
    const actions = answer.body.items.map((e) => e.action);
    expect(actions).to.include.members([
      'incident.reported',
      'incident.triaged',
      'incident.acknowledged',
      'obligation.recorded',
      'incident.updated',
      'bureau update',
    ]);
    expect(actions).to.not.include.members(['note', 'incident.note_added', 'incident.claimed']);
    const text = JSON.stringify(answer.body);
    for (const secret of [
      NOTE,
      triage.queue,
      triage.policyVersion,
      'policyVersion',
      'inputHash',
      'reasons',
      'hk-gov.acknowledge',
      'hk-gov.contain',
      responder.actor.name,
    ]) {
      expect(text, `the bureau's timeline shows ${secret}`).to.not.include(secret);
    }

    const triaged = answer.body.items.find((e) => e.action === 'incident.triaged');
    expect(triaged?.by).to.equal(null);
    expect(triaged?.data.changes?.map((c) => c.field)).to.include.members(['status', 'severity', 'clocks']);
    const clocks = triaged?.data.changes?.find((c) => c.field === 'clocks')?.after as Array<{ key: string }>;
    expect(clocks.map((c) => c.key)).to.include('hk-gov.initial-report');
    const acknowledged = answer.body.items.find((e) => e.action === 'incident.acknowledged');
    expect(acknowledged?.data.changes).to.deep.equal([
      { field: 'status', before: 'triaged', after: 'acknowledged' },
    ]);
    const report = answer.body.items.find((e) => e.action === 'obligation.recorded');
    expect(report?.by?.name).to.equal(reporter.actor.name);
    expect(report?.data).to.include({ obligation: 'report.giro.preliminary', reference: 'phoned GIRO-SO' });
    expect(report?.data.changes).to.deep.include({
      field: 'clocks.hk-gov.preliminary-report.state',
      before: 'running',
      after: 'met',
    });
    const update = answer.body.items.find((e) => e.kind === 'update');
    expect(update?.text).to.equal('users report slow logins');
  });

  it("when the bureau sends a report, GovCERT asks for a revision and both sides write messages, then the bureau's timeline shows each report event and message without the texts or the reviewer", async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    const reports = `/api/v1/incidents/${incident.id}/staged-reports`;
    const sent = await call<{ id: string }>(runtime.url, 'POST', reports, {
      key: reporter.key,
      body: {
        obligation: 'report.giro.preliminary',
        whatHappened: 'Phishing mails reached the payroll team.',
        impact: 'One account used to send more phishing.',
        actionsTaken: 'Password reset; mails purged.',
      },
    });
    expect(sent.status, sent.text).to.equal(201);
    const comment = 'Say how many staff clicked the link.';
    const revise = await call(runtime.url, 'POST', `${reports}/${sent.body.id}/review`, {
      key: responder.key,
      body: { decision: 'revision_requested', comment },
    });
    expect(revise.status, revise.text).to.equal(200);
    const messages = `/api/v1/incidents/${incident.id}/messages`;
    const question = 'Do you need the mail headers?';
    const answer = 'Yes, please attach them.';
    expect(
      (await call(runtime.url, 'POST', messages, { key: reporter.key, body: { body: question } })).status,
    ).to.equal(201);
    expect(
      (await call(runtime.url, 'POST', messages, { key: responder.key, body: { body: answer } })).status,
    ).to.equal(201);

    const wanted = ['staged_report.submitted', 'staged_report.revision_requested', 'incident.message_posted'];
    const seen = await waitFor(
      () => timeline(reporter, incident.id),
      (t) =>
        wanted.every((action) => t.body.items.some((e) => e.action === action)) &&
        t.body.items.filter((e) => e.action === 'incident.message_posted').length === 2,
    );
    expect(seen.status, seen.text).to.equal(200);
    const items = seen.body.items;
    const submitted = items.find((e) => e.action === 'staged_report.submitted');
    expect(submitted?.by?.name).to.equal(reporter.actor.name);
    expect(submitted?.data).to.include({
      obligation: 'report.giro.preliminary',
      report: 'Preliminary written report to GIRO-SO',
      version: 1,
    });
    const revision = items.find((e) => e.action === 'staged_report.revision_requested');
    expect(revision?.by).to.equal(null);
    expect(revision?.data).to.include({ version: 1, comment });
    const posted = items.filter((e) => e.action === 'incident.message_posted');
    expect(posted.map((e) => e.data.side)).to.deep.equal(['bureau', 'cert']);
    expect(posted[0].by?.name).to.equal(reporter.actor.name);
    expect(posted[1].by).to.equal(null);
    const text = JSON.stringify(seen.body);
    for (const secret of [question, answer, 'sha256', 'Phishing mails reached', responder.actor.name]) {
      expect(text, `the bureau's timeline shows ${secret}`).to.not.include(secret);
    }
    // The review started by GovCERT is its own business: the decision is what the bureau hears of.
    expect(items.map((e) => e.action)).to.not.include('staged_report.review_started');
  });

  it("when another bureau's reporter asks for it, then it is 404 as for an incident that does not exist", async () => {
    const incident = await reportAndTriage(runtime.url, reporter, responder, {}, false);
    const foreign = await timeline(otherReporter, incident.id);
    expect(foreign.status, foreign.text).to.equal(404);
    const missing = await timeline(otherReporter, '0123456789abcdef01234567');
    expect(missing.status).to.equal(404);
    expect((foreign.body as unknown as { error: { code: string; message: string } }).error).to.deep.include({
      code: (missing.body as unknown as { error: { code: string } }).error.code,
    });
  });
});
