import { expect } from 'chai';
import { systemActor } from '../../src/auth/index.js';
import { createActor } from '../helpers/actors.js';
import { call } from '../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { reportBody } from '../factories/incident.factory.js';
import { startBrowser, type TestBrowser } from './browser.js';
import { bureauCode, createPerson, signIn } from './console-fixture.js';

describe('console links in mail (browser)', function () {
  this.timeout(120_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;
  let browser: TestBrowser;

  before(async () => {
    smtp = await startSmtpServer();
    runtime = await startTestRuntime('e2email', { SMTP_URL: smtp.url, CONSOLE_TOTP_REQUIRED: 'false' });
    browser = await startBrowser();
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
    await smtp.stop();
  });

  it("when a bureau's contact follows the link in the acknowledgement, then the incident opens after they sign in", async () => {
    const code = bureauCode();
    await runtime.modules.auth.bureaux.create(systemActor('test-setup'), {
      code,
      name: 'Mail Link Bureau',
      regimes: ['HK-GOV'],
      contacts: [],
    });
    const contact = await createPerson(runtime, 'reporter', code);
    await runtime.modules.auth.bureaux.update(systemActor('test-setup'), code, {
      contacts: [{ name: 'IT Security Officer', email: contact.email, role: 'ITSO' }],
    });
    const system = await createActor(runtime, { role: 'reporter', bureauId: code });
    const filed = await call<{ id: string; ref: string }>(runtime.url, 'POST', '/api/v1/incidents', {
      key: system.key,
      body: reportBody({ title: 'Mail link check' }),
    });
    expect(filed.status, filed.text).to.equal(201);
    await smtp.waitFor(() => smtp.to(contact.email).length > 0, 60_000, 'the acknowledgement');
    const html = String(smtp.to(contact.email)[0].parsed.html);
    const link = /href="([^"]+\/console\/incidents\/[0-9a-f]{24})"/.exec(html)?.[1] ?? '';
    // The address the server really listens on, port included (no PUBLIC_URL in this test).
    expect(link).to.equal(`${runtime.url}/console/incidents/${filed.body.id}`);

    const page = await browser.freshPage();
    await page.goto(link);
    expect(new URL(page.url()).pathname).to.equal('/console/login');
    await signIn(page, contact.email, contact.password);
    // A reporter lands on the bureau portal's page of the incident, which the address leads to.
    await page.waitForURL(`${runtime.url}/console/my-incidents/${filed.body.id}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.include(filed.body.ref);
  });
});
