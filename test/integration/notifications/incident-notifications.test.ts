import { expect } from 'chai';
import { mongoose } from '../../../src/platform/db/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_SCOPE } from '../../../src/auth/index.js';
import { reportBody } from '../../factories/incident.factory.js';
import { createActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { tester } from './notification-fixture.js';

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

  /** A bureau with one ITSO contact, and a report filed by its reporter; the incident id and the ITSO. */
  async function fileReport(bureauName: string, title: string): Promise<{ id: string; itso: string }> {
    const code = `N${uniqueName('B').slice(2, 10).toUpperCase()}`;
    const itso = `${uniqueName('itso').replace('_', '.')}@bureau.gov.hk.example`;
    await runtime.modules.auth.bureaux.create(tester, {
      code,
      name: bureauName,
      regimes: ['HK-GOV'],
      contacts: [{ name: 'IT Security Officer', email: itso, role: 'ITSO' }],
    });
    const reporter = await createActor(runtime, { role: 'reporter', bureauId: code });
    const created = await call(runtime.url, 'post', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody({ title }),
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

  it('when the outcome of a delivered notification never reached the incident, then the sweep writes it without sending again', async () => {
    const { id, itso } = await fileReport('Lost Outcome Bureau', 'Phishing wave');
    await waitForAcknowledgement(id, 'sent');
    // A crash between the delivery and the write of its outcome onto the incident: the notification
    // is sent, the incident still says pending, and the settled hook will never run again.
    const incidents = runtime.platform.db.db!.collection('incidents');
    const stored = await incidents.findOne({ _id: new mongoose.Types.ObjectId(id) });
    const notifications = (stored?.notifications as Array<{ status: string }>).map((n) => ({
      ...n,
      status: 'pending',
    }));
    await incidents.updateOne({ _id: new mongoose.Types.ObjectId(id) }, { $set: { notifications } });
    await waitForAcknowledgement(id, 'pending');
    await runtime.modules.notifications.dispatcher.passNow();
    await waitForAcknowledgement(id, 'sent');
    expect(smtp.to(itso)).to.have.length(1);
  });

  async function waitForAcknowledgement(id: string, status: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const incident = await runtime.modules.intake.repository.findById(ALL_SCOPE, id);
      const ack = incident?.notifications.find((n) => n.key.endsWith('bureau-acknowledgement'));
      if (ack?.status === status) return;
      await sleep(100);
    }
    expect.fail(`the acknowledgement never marked ${status} on the incident`);
  }
});
