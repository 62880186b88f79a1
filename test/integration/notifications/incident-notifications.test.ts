import { expect } from 'chai';
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

  it('when an incident is triaged, then the reporting bureau gets the acknowledgement and the incident shows it sent', async () => {
    const code = `N${uniqueName('B').slice(2, 10).toUpperCase()}`;
    const itso = `${uniqueName('itso').replace('_', '.')}@bureau.gov.hk.example`;
    await runtime.modules.auth.bureaux.create(tester, {
      code,
      name: 'Test Notification Bureau',
      regimes: ['HK-GOV'],
      contacts: [{ name: 'IT Security Officer', email: itso, role: 'ITSO' }],
    });
    const reporter = await createActor(runtime, { role: 'reporter', bureauId: code });
    const created = await call(runtime.url, 'post', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody({ title: 'Defacement of the bureau website' }),
    });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id as string;
    await smtp.waitFor(() => smtp.to(itso).length > 0, 30_000, 'the acknowledgement');
    const [mail] = smtp.to(itso);
    expect(mail.parsed.subject).to.match(/^\[TLP:AMBER\] /);
    expect(mail.parsed.text)
      .to.contain('Defacement of the bureau website')
      .and.to.contain('IT Security Officer');
    for (let i = 0; i < 100; i++) {
      const incident = await runtime.modules.intake.repository.findById(ALL_SCOPE, id);
      const ack = incident?.notifications.find((n) => n.key.endsWith('bureau-acknowledgement'));
      if (ack?.status === 'sent') return;
      await sleep(100);
    }
    expect.fail('the acknowledgement never marked sent on the incident');
  });
});
