import { expect } from 'chai';
import { mongoose } from '../../../src/platform/db/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_SCOPE } from '../../../src/auth/index.js';
import { reportBody } from '../../factories/incident.factory.js';
import { createActor } from '../../helpers/actors.js';
import { dispatchNotifications } from '../../helpers/incident-notifications.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { waitFor } from '../../helpers/wait.js';
import { alertData, recipient, tester } from './notification-fixture.js';

/** As much of the incident's API answer as these tests read. */
interface View {
  status: string;
  notifications: Array<{ key: string; status: string }>;
}

const NO_FLAGS = {
  suspectedCrime: false,
  mediaInterest: false,
  capSerious: false,
  falsePositive: false,
  ransomPaid: false,
};

describe('notifications triage stores on incidents', function () {
  this.timeout(60_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;

  before(async () => {
    smtp = await startSmtpServer();
    runtime = await startTestRuntime('incnote', { SMTP_URL: smtp.url });
  });
  after(async () => {
    await runtime.stop();
    await smtp.stop();
  });

  /**
   * A bureau with one ITSO contact (under the regimes given), and a report filed by its reporter
   * (`over` merged into the report body); the incident id and the ITSO.
   */
  async function fileReport(
    bureauName: string,
    title: string,
    { regimes = ['HK-GOV'], over = {} }: { regimes?: string[]; over?: Record<string, unknown> } = {},
  ): Promise<{ id: string; itso: string }> {
    const code = `N${uniqueName('B').slice(2, 10).toUpperCase()}`;
    const itso = `${uniqueName('itso').replace('_', '.')}@bureau.gov.hk.example`;
    await runtime.modules.auth.bureaux.create(tester, {
      code,
      name: bureauName,
      regimes,
      contacts: [{ name: 'IT Security Officer', email: itso, role: 'ITSO' }],
    });
    const reporter = await createActor(runtime, { role: 'reporter', bureauId: code });
    const created = await call(runtime.url, 'post', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody({ title, ...over }),
    });
    expect(created.status, created.text).to.equal(201);
    return { id: created.body.id as string, itso };
  }

  it('when an incident is triaged, then the reporting bureau gets the acknowledgement and the incident shows it sent', async () => {
    const { id, itso } = await fileReport('Test Notification Bureau', 'Defacement of the bureau website');
    await smtp.waitFor(() => smtp.to(itso).length > 0, 30_000, 'the acknowledgement');
    const [mail] = smtp.to(itso);
    expect(mail.parsed.subject).to.match(/^\[TLP:AMBER\] /);
    expect(mail.parsed.text)
      .to.contain('Defacement of the bureau website')
      .and.to.contain('IT Security Officer');
    await waitForAcknowledgement(id, 'sent');
  });

  it('when two dispatches of the same notifications race (two workers), then each is stored once and both answers name it', async () => {
    const { id } = await fileReport('Racing Dispatch Bureau', 'Credential stuffing on the portal');
    await waitForAcknowledgement(id, 'sent');
    const requests = ['race-first', 'race-second'].map((name) => ({
      input: {
        kind: `incident.${name}`,
        incidentId: id,
        routes: ['reporting-bureau'],
        key: `${id}|${name}`,
        template: 'acknowledgement' as const,
        data: { tlp: 'AMBER' },
      },
    }));
    const service = runtime.modules.notifications.notifications;
    // One of them is stored already: the batch reads nothing first, and its insert is refused.
    const before = await service.request(tester, requests[0].input);
    const [one, two] = await Promise.all([
      service.requestMany(tester, requests),
      service.requestMany(tester, requests),
    ]);
    const ids = (answers: typeof one) => answers.map((answer) => answer.record.id);
    expect(ids(one)).to.deep.equal(ids(two));
    expect(ids(one)[0]).to.equal(before.id);
    const stored = await runtime.platform.db
      .db!.collection('notifications')
      .find({ key: { $in: requests.map((r) => r.input.key) } })
      .toArray();
    expect(stored.map((doc) => String(doc.key)).sort()).to.deep.equal(
      requests.map((r) => r.input.key).sort(),
    );
  });

  it('when the dispatch job runs twice, then each notification is requested and mailed once and the incident is not written', async () => {
    const { id, itso } = await fileReport('Twice Dispatched Bureau', 'Phishing wave');
    await dispatchNotifications(runtime, id);
    await waitForAcknowledgement(id, 'sent');
    const _id = new mongoose.Types.ObjectId(id);
    const incidents = runtime.platform.db.db!.collection('incidents');
    const stored = await incidents.findOne({ _id });

    const again = await runtime.modules.notifications.dispatcher.dispatch(id);
    expect(again?.get('hk-gov.bureau-acknowledgement')).to.equal('requested');
    await sleep(500);
    expect(smtp.to(itso)).to.have.length(1);
    // Nothing written back: the incident carries no notifications and keeps its revision; the
    // decision record's list stays as triage wrote it.
    const after = await incidents.findOne({ _id });
    expect(after?.revision).to.equal(stored?.revision);
    expect(after).to.not.have.property('notifications');
    const decisionId = (after?.triage as { decisionId: string }).decisionId;
    const record = await runtime.platform.db
      .db!.collection('triage_decisions')
      .findOne({ _id: decisionId as never });
    expect(
      (record?.owed as Array<{ key: string; status: string }>).map((n) => [n.key, n.status]),
    ).to.deep.include(['hk-gov.bureau-acknowledgement', 'pending']);
  });

  it("when a notification's status changes, then the ETag a responder holds stays and still claims the incident", async () => {
    const responder = await createActor(runtime, { role: 'responder' });
    // The notifications are requested only once the responder has read the incident.
    const dispatch = runtime.platform.queues.queue('dispatch');
    await dispatch.pause();
    let etag: string | null;
    let id: string;
    try {
      ({ id } = await fileReport('Unmoved Revision Bureau', 'Credential stuffing on the e-services portal'));
      const read = await waitForTriage(id, responder.key);
      expect(read.body.notifications.map((n) => n.status)).to.include('pending');
      etag = read.headers.get('etag');
      expect(etag, 'the incident answer carries an ETag').to.be.a('string');
    } finally {
      await dispatch.resume();
    }

    await dispatchNotifications(runtime, id);
    await waitForAcknowledgement(id, 'sent');
    const reread = await call(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: responder.key });
    expect(reread.headers.get('etag')).to.equal(etag);
    const claimed = await call(runtime.url, 'POST', `/api/v1/incidents/${id}/claim`, {
      key: responder.key,
      headers: { 'if-match': etag! },
    });
    expect(claimed.status, claimed.text).to.equal(200);
  });

  /** A recipient list for a policy route, with one member at a unique address; the address. */
  async function routeList(slug: string, organisation: string): Promise<string> {
    const address = `${uniqueName(slug).replace('_', '.')}@regulator.example`;
    await runtime.modules.notifications.lists.upsert(tester, slug, {
      name: organisation,
      organisation,
      circle: 'partner',
      members: [{ name: `${organisation} duty desk`, address }],
    });
    return address;
  }

  it("when a notification is routed to a regulator, then its mail over SMTP carries the route's TLP and the deadline it concerns, and no queue name, policy hash or internal clock", async () => {
    const commissioner = await routeList('ci-commissioner', 'Commissioner of Critical Infrastructure');
    const title = 'Control system of the tunnel network compromised';
    const description = 'Operator consoles show unknown remote sessions.';
    const { id } = await fileReport('Regulated Operator Bureau', title, {
      regimes: ['HK-GOV', 'HK-CI'],
      over: { category: 'compromise', description, flags: { ...NO_FLAGS, capSerious: true } },
    });
    await waitForTriage(id, (await createActor(runtime, { role: 'responder' })).key);
    await dispatchNotifications(runtime, id);
    await smtp.waitFor(() => smtp.to(commissioner).length > 0, 30_000, 'the Cap. 653 report');
    const incident = await runtime.modules.workflow.writer.find(ALL_SCOPE, id);
    const triage = incident?.triage;
    if (!incident || !triage) return expect.fail('the incident was not triaged');
    const concerns = incident.clocks.find((c) => c.key === 'hk-ci.serious-incident-report');
    const internalClocks = incident.clocks.filter((c) => c.obligation.startsWith('incident.'));
    expect(concerns, 'the clock the route names').to.not.equal(undefined);
    expect(internalClocks.map((c) => c.name)).to.have.length.greaterThan(0);

    const [mail] = smtp.to(commissioner);
    expect(mail.parsed.subject).to.match(/^\[TLP:AMBER\] /);
    const parts = {
      subject: mail.parsed.subject ?? '',
      text: mail.parsed.text ?? '',
      html: String(mail.parsed.html),
    };
    for (const [part, content] of Object.entries(parts)) {
      expect(content, `${part}: queue`).to.not.include(triage.queue);
      expect(content, `${part}: policy hash`).to.not.include(triage.policyVersion.replace(/^sha256:/, ''));
      for (const clock of internalClocks)
        expect(content, `${part}: ${clock.name}`).to.not.include(clock.name);
      expect(content, `${part}: title`).to.not.include(title);
      expect(content, `${part}: description`).to.not.include(description);
    }
    for (const content of [parts.text, parts.html]) {
      expect(content).to.include(incident.ref).and.to.include('Regulated Operator Bureau');
      expect(content).to.include(concerns?.name ?? '');
    }
    expect(parts.text.trimStart()).to.match(/^TLP:AMBER\n/);
  });

  it('when the policy names a mail template that does not exist, then the notification is stored failed with the reason on the trail and nothing is sent in its place', async () => {
    const pcpd = await routeList('pcpd', 'PCPD');
    const { id } = await fileReport('Unknown Template Bureau', 'Lost laptop');
    await dispatchNotifications(runtime, id);
    await waitForAcknowledgement(id, 'sent');
    const incidents = runtime.platform.db.db!.collection('incidents');
    const bogus = {
      key: 'hk-gov.bogus',
      to: 'pcpd',
      template: 'no-such-template',
      tlp: 'AMBER' as const,
      regime: 'HK-GOV',
      mandatory: true,
      clock: null,
      status: 'pending' as const,
      policyVersion: 'sha256:test',
      createdAt: new Date(),
    };
    // The policy cannot name a template that does not exist (its loader refuses it): the record in
    // force is given one as a policy installed before a template was removed would have left it, by
    // the only change a stored record takes (the migration of what the incident held before records).
    const stored = await incidents.findOne({ _id: new mongoose.Types.ObjectId(id) });
    const decisionId = (stored?.triage as { decisionId: string }).decisionId;
    expect(await runtime.modules.intake.decisions.addOwed(decisionId, [bogus])).to.equal(true);
    const run = await runtime.modules.notifications.dispatcher.dispatch(id);
    expect(run?.get('hk-gov.bogus')).to.equal('failed');
    await waitForNotification(id, 'hk-gov.bogus', 'failed');
    const again = await runtime.modules.notifications.dispatcher.dispatch(id);
    expect(again?.get('hk-gov.bogus')).to.equal('failed');

    const failed = await runtime.platform.db
      .db!.collection('notifications')
      .find({ key: `incident:${id}:hk-gov.bogus` })
      .toArray();
    expect(failed, 'one failed notification, however often dispatched').to.have.length(1);
    expect(failed[0]).to.include({ status: 'failed', template: 'no-such-template' });
    // The auditor reads what was asked for and why it was not sent.
    const auditor = await createActor(runtime, { role: 'auditor' });
    const notificationId = String(failed[0]?._id);
    let events: Array<{ action: string; data: { reason?: string; template?: string } }> = [];
    for (let i = 0; i < 100 && events.length === 0; i++) {
      if (i > 0) await sleep(100);
      const answer = await call<{ events: typeof events }>(
        runtime.url,
        'GET',
        `/api/v1/audit/events?subjectId=${notificationId}&action=notification.failed`,
        { key: auditor.key },
      );
      events = answer.body.events;
    }
    expect(events, 'one notification.failed event').to.have.length(1);
    expect(events[0]?.data.template).to.equal('no-such-template');
    expect(events[0]?.data.reason).to.contain('no-such-template');
    expect(smtp.to(pcpd)).to.have.length(0);
  });

  it('when a notification job is lost, then the re-queue loop queues it again and the mail goes out once', async () => {
    const to = recipient();
    const queue = runtime.platform.queues.queue('notifications');
    await queue.pause();
    let id: string;
    try {
      ({ id } = await runtime.modules.notifications.notifications.request(tester, {
        kind: 'escalation',
        template: 'escalation-alert',
        recipients: [to],
        data: alertData(),
      }));
      // Lost (Redis flushed, a job removed) and untouched for longer than the loop waits.
      await (await queue.getJob(id))?.remove();
      await runtime.platform.db
        .db!.collection('notifications')
        .updateOne(
          { _id: new mongoose.Types.ObjectId(id) },
          { $set: { updatedAt: new Date(Date.now() - 120_000) } },
        );
    } finally {
      await queue.resume();
    }
    expect(await queue.getJob(id), 'no job left').to.equal(undefined);
    await runtime.modules.notifications.requeue.passNow();
    await smtp.waitFor(() => smtp.to(to.address).length > 0, 30_000, 'the re-queued mail');
    await runtime.modules.notifications.requeue.passNow(); // just touched: left alone
    await sleep(500);
    expect(smtp.to(to.address)).to.have.length(1);
  });

  function waitForAcknowledgement(id: string, status: string): Promise<void> {
    return waitForNotification(id, 'hk-gov.bureau-acknowledgement', status);
  }

  /** Waits until the incident API shows notification `key` with `status` (as the CERT sees it). */
  async function waitForNotification(id: string, key: string, status: string): Promise<void> {
    const responder = await createActor(runtime, { role: 'responder' });
    const answer = await waitFor(
      () => call<View>(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: responder.key }),
      (now) => now.body.notifications.find((n) => n.key === key)?.status === status,
    );
    expect(answer.body.notifications.find((n) => n.key === key)?.status, `notification ${key}`).to.equal(
      status,
    );
  }

  /** The incident's API answer once triage has stored its decision (as `key`, a CERT actor, reads it). */
  async function waitForTriage(id: string, key: string) {
    const answer = await waitFor(
      () => call<View>(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key }),
      (now) => now.body.status !== 'new' && now.body.notifications.length > 0,
    );
    expect(answer.body.status, `incident ${id}`).to.not.equal('new');
    expect(answer.body.notifications, `incident ${id}'s notifications`).to.not.be.empty;
    return answer;
  }
});
