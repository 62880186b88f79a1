import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_SCOPE } from '../../../src/auth/index.js';
import type { Incident } from '../../../src/incidents/index.js';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { tester } from '../notifications/notification-fixture.js';

type Clock = { key: string; durationSeconds: number };
type View = {
  id: string;
  ref: string;
  severity: string | null;
  clocks: Clock[];
  revision: number;
  triage?: { reasons: Array<{ rule: string; detail: string }> } | null;
  campaign?: {
    relatedIncidentIds: string[];
    relatedBureauxCount: number;
    priority: string | null;
    priorityReasons: Array<{ rule: string }>;
  } | null;
};

/**
 * A reportable incident with no impact: S4 on its own facts, S2 under the policy's campaign rule
 * (one other bureau hit). `governmentImage: medium` makes triage mail the bureau's director.
 */
const quietReport = (indicator: { type: string; value: string }) =>
  reportBody({
    title: 'Look-alike sender domain',
    category: 'masquerading',
    system: { tier: 1, criticalEService: false, operatedBy: 'in_house' },
    assetsAffected: ['email'],
    impact: { confidentiality: 'none', integrity: 'none', availability: 'none', governmentImage: 'medium' },
    functionalImpact: 'none',
    informationImpact: 'none',
    indicators: [indicator],
  });

describe('Campaign effects stay on the CERT side', function () {
  this.timeout(90_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;
  let lead: TestActor;
  let reporterA: TestActor;
  let reporterB: TestActor;
  let director: string;

  before(async () => {
    smtp = await startSmtpServer();
    runtime = await startTestRuntime('campscope', { SMTP_URL: smtp.url });
    const code = `C${uniqueName('B').slice(2, 10).toUpperCase()}`;
    director = `${uniqueName('dir').replace('_', '.')}@bureau.gov.hk.example`;
    await runtime.modules.auth.bureaux.create(tester, {
      code,
      name: 'Scope Test Bureau',
      regimes: ['HK-GOV'],
      contacts: [{ name: 'Director of the Bureau', email: director, role: 'Director' }],
    });
    reporterA = await createActor(runtime, { role: 'reporter', bureauId: code });
    reporterB = await createActor(runtime, { role: 'reporter' });
    lead = await createActor(runtime, { role: 'lead' });
  });
  after(async () => {
    await runtime.stop();
    await smtp.stop();
  });

  const file = async (actor: TestActor, body: Record<string, unknown>): Promise<View> => {
    const created = await call<View>(runtime.url, 'POST', '/api/v1/incidents', { key: actor.key, body });
    expect(created.status, created.text).to.equal(201);
    return created.body;
  };

  /** The incident once triage has stored a decision for it and linked it (as the CERT sees it). */
  const triaged = async (id: string, done: (incident: Incident) => boolean = () => true) => {
    for (let i = 0; i < 300; i++) {
      const incident = await runtime.modules.intake.repository.findById(ALL_SCOPE, id);
      if (incident?.triage && !incident.triagePending && done(incident)) return incident;
      await sleep(50);
    }
    return expect.fail(`incident ${id} was not triaged`);
  };

  const view = async (id: string, actor: TestActor) =>
    (await call<View>(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: actor.key })).body;

  const clockShape = (clocks: Clock[]) => clocks.map((c) => [c.key, c.durationSeconds]);

  it('when a reporter files an indicator only another bureau reported, then severity, clocks and the mail are those of a report without it, and the CERT sees the campaign priority', async () => {
    const shared = uniqueIndicator();
    const fromB = await file(reporterB, reportBody({ indicators: [shared] }));
    await triaged(fromB.id);
    const control = await file(reporterA, quietReport(uniqueIndicator()));
    const probe = await file(reporterA, quietReport(shared));
    await triaged(control.id);
    await triaged(probe.id, (incident) => incident.campaign !== null);

    const [seenControl, seenProbe] = [await view(control.id, reporterA), await view(probe.id, reporterA)];
    expect(seenControl.severity).to.equal('S4');
    expect(seenProbe.severity).to.equal(seenControl.severity);
    expect(clockShape(seenProbe.clocks)).to.deep.equal(clockShape(seenControl.clocks));

    const cert = await view(probe.id, lead);
    expect(cert.campaign?.relatedIncidentIds).to.deep.equal([fromB.id]);
    expect(cert.campaign?.relatedBureauxCount).to.equal(1);
    expect(cert.campaign?.priority).to.equal('S2');
    expect(cert.campaign?.priorityReasons.map((r) => r.rule)).to.include('hk-gov/severity/s2-two-bureaux');
    expect(JSON.stringify(cert.triage?.reasons)).not.to.match(/bureaux|other bureau/i);

    // The Director of Bureau gets the director's report (no severity, queue or reasons at all).
    const directorMail = () =>
      smtp
        .to(director)
        .find(
          (m) =>
            m.parsed.subject?.includes('Incident in your bureau') && m.parsed.subject.includes(probe.ref),
        );
    await smtp.waitFor(() => directorMail() !== undefined, 30_000, 'the report to the director');
    const mail = directorMail();
    expect(mail?.parsed.text, mail?.parsed.text).not.to.match(/other bureau|bureaux hit|campaign|\bS2\b/i);
  });

  it("when another bureau's report links to an incident, then its revision stays, the link is recorded and one delayed re-triage is queued however many reports link", async () => {
    const shared = uniqueIndicator();
    const fromB = await file(reporterB, reportBody({ indicators: [shared] }));
    // Notification outcomes are the notifications' own and never move the incident's revision.
    const before = await triaged(fromB.id);
    const etag = (
      await call(runtime.url, 'GET', `/api/v1/incidents/${fromB.id}`, { key: reporterB.key })
    ).headers.get('etag');

    const first = await file(reporterA, quietReport(shared));
    const second = await file(reporterA, quietReport(shared));
    const linked = await triaged(fromB.id, (incident) => incident.campaign?.relatedIncidentIds.length === 2);
    expect(linked.campaign?.relatedIncidentIds).to.deep.equal([first.id, second.id].sort());
    expect(linked.revision).to.equal(before.revision);
    expect(linked.severity).to.equal(before.severity);
    const now = await call(runtime.url, 'GET', `/api/v1/incidents/${fromB.id}`, { key: reporterB.key });
    expect(now.headers.get('etag')).to.equal(etag);

    const jobs = await runtime.platform.queues.queue('triage').getJobs(['delayed', 'waiting', 'completed']);
    const campaignJobs = jobs.filter((job) => job.id?.startsWith(`${fromB.id}-c`));
    expect(campaignJobs).to.have.length(1);
    expect(campaignJobs[0]?.data).to.deep.equal({ incidentId: fromB.id, reason: 'campaign' });
  });
});
