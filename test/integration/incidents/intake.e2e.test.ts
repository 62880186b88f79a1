import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { waitFor } from '../../helpers/wait.js';
import { reportBody } from '../../factories/incident.factory.js';

interface View {
  id: string;
  ref: string;
  status: string;
  severity: string | null;
  clocks: Array<{ key: string; dueAt?: string; startsAt?: string }>;
  triage?: { policyVersion: string; reasons: unknown[] } | null;
  notifications?: Array<{ key: string; status: string }>;
}

describe('Intake end to end: report, triage, audit', () => {
  let runtime: TestRuntime;
  let reporter: TestActor;
  let responder: TestActor;
  let auditor: TestActor;

  before(async () => {
    runtime = await startTestRuntime('intake');
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
    auditor = await createActor(runtime, { role: 'auditor' });
  });
  after(async () => {
    await runtime.stop();
  });

  it('when a bureau reports ransomware, then it is stored, referenced and triaged S2 with its clocks', async () => {
    const body = reportBody();
    const created = await call<View>(runtime.url, 'POST', '/api/v1/incidents', { key: reporter.key, body });
    expect(created.status, created.text).to.equal(201);
    expect(created.headers.get('location')).to.equal(`/api/v1/incidents/${created.body.id}`);
    // Numbered per bureau: GIRO-<bureau>-<year>-<seq>.
    expect(created.body.ref).to.match(new RegExp(`^GIRO-${reporter.actor.bureauId ?? ''}-\\d{4}-\\d{6}$`));
    const triaged = await waitFor(
      () => call<View>(runtime.url, 'GET', `/api/v1/incidents/${created.body.id}`, { key: responder.key }),
      (answer) => answer.body.status === 'triaged',
    );
    expect(
      triaged.body.status,
      JSON.stringify(runtime.logs.lines.filter((l) => Number(l.level) >= 40)),
    ).to.equal('triaged');
    expect(triaged.body.severity).to.equal('S2');
    const initial = triaged.body.clocks.find((clock) => clock.key === 'hk-gov.initial-report');
    const aware = new Date((body.times as { awareAt: string }).awareAt).getTime();
    expect(new Date(initial?.dueAt ?? 0).getTime()).to.equal(aware + 3600_000);
    const policyVersion = triaged.body.triage?.policyVersion;
    expect(policyVersion).to.match(/^sha256:/);

    type Events = {
      events: Array<{ action: string; policyVersion: string | null; subject: { ref?: string } }>;
    };
    const trail = await waitFor(
      () =>
        call<Events>(runtime.url, 'GET', `/api/v1/audit/events?subjectId=${created.body.id}`, {
          key: auditor.key,
        }),
      (answer) => answer.body.events.length >= 2,
    );
    // Other modules may follow with their own events (the workflow's clock sync); what must hold is
    // that the trail opens with the report, then the triage decision with its policy version.
    // (The notification module's outcome events, incident.notification_*, may interleave too.)
    const intakeEvents = trail.body.events.filter((event) =>
      ['incident.reported', 'incident.triaged'].includes(event.action),
    );
    expect(intakeEvents.map((event) => event.action)).to.deep.equal([
      'incident.reported',
      'incident.triaged',
    ]);
    expect(trail.body.events[0]?.action).to.equal('incident.reported');
    expect(intakeEvents[1]?.policyVersion).to.equal(policyVersion);
    expect(intakeEvents[0]?.subject.ref).to.equal(created.body.ref);
  });

  it('when the worker runs the same job again, then nothing changes', async () => {
    const created = await call<View>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody(),
    });
    const id = created.body.id;
    // Settled: triaged, and the notifications triage asked for delivered or failed (their outcome is
    // written onto the incident too, by the notification module, independently of this job).
    await waitFor(
      () => call<View>(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: responder.key }),
      (answer) =>
        answer.body.status === 'triaged' &&
        (answer.body.notifications ?? []).every((n) => n.status === 'sent' || n.status === 'failed'),
    );
    const before = await call<{ revision: number }>(runtime.url, 'GET', `/api/v1/incidents/${id}`, {
      key: responder.key,
    });
    expect(await runtime.modules.intake.triage.triage(id)).to.equal('unchanged');
    const after = await call<{ revision: number }>(runtime.url, 'GET', `/api/v1/incidents/${id}`, {
      key: responder.key,
    });
    expect(after.body.revision).to.equal(before.body.revision);
  });

  it('when a material follow-up raises the impact, then triage runs again and the severity rises', async () => {
    const created = await call<View>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody(),
    });
    const id = created.body.id;
    await waitFor(
      () => call<View>(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: responder.key }),
      (answer) => answer.body.status === 'triaged',
    );
    const updated = await call<View & { updates: unknown[] }>(
      runtime.url,
      'POST',
      `/api/v1/incidents/${id}/updates`,
      {
        key: reporter.key,
        body: { note: 'Whole service down now', functionalImpact: 'high', impact: { availability: 'high' } },
      },
    );
    expect(updated.status, updated.text).to.equal(201);
    expect(updated.body.updates).to.have.length(1);
    const raised = await waitFor(
      () => call<View>(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: responder.key }),
      (answer) => answer.body.severity === 'S1',
    );
    expect(
      raised.body.severity,
      JSON.stringify(runtime.logs.lines.filter((l) => Number(l.level) >= 40)),
    ).to.equal('S1');
    expect(raised.body.status).to.equal('triaged');
  });
});
