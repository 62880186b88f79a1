import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { change, moveTo, reportAndTriage, waitFor, workflowOf } from './workflow-fixture.js';

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
        obligation: 'report.giro.initial',
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
    expect(report?.data).to.include({ obligation: 'report.giro.initial', reference: 'phoned GIRO-SO' });
    expect(report?.data.changes).to.deep.include({
      field: 'clocks.hk-gov.initial-report.state',
      before: 'running',
      after: 'met',
    });
    const update = answer.body.items.find((e) => e.kind === 'update');
    expect(update?.text).to.equal('users report slow logins');
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
