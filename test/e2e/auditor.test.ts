import { expect } from 'chai';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { bureauCode, createPerson, signIn, type ConsolePerson } from './console-fixture.js';

describe('auditor pages (browser)', function () {
  this.timeout(180_000);
  let runtime: TestRuntime;
  let browser: TestBrowser;
  let auditor: ConsolePerson;

  before(async () => {
    runtime = await startTestRuntime('e2eaudit', { CONSOLE_TOTP_REQUIRED: 'false' });
    browser = await startBrowser();
    auditor = await createPerson(runtime, 'auditor');
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
  });

  it('when an auditor verifies the trail and filters its events, then the result is in words and their own sign-in is listed', async () => {
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/audit`);
    await signIn(page, auditor.email, auditor.password);
    await page.waitForURL(`${runtime.url}/console/audit`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Verify' }).click();
    const result = page.getByRole('status');
    expect(await result.textContent()).to.match(
      /The chain is intact: \d+ events and \d+ signed checkpoints checked/,
    );
    await screenshot(page, 'audit-verify-en');

    await page.getByLabel('Incident id (optional)').fill('not-an-id');
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await page.getByRole('alert').textContent()).to.include('Enter the 24-character id.');

    await page.getByRole('link', { name: 'Browse events' }).click();
    await page.getByLabel('Kind of event').fill('auth.signin');
    await page.getByLabel('Actor (user id)').fill(auditor.id);
    // The relay chains the sign-in event shortly after it happened: ask again until it is there.
    const deadline = Date.now() + 15_000;
    for (;;) {
      await page.getByRole('button', { name: 'Show events' }).click();
      if ((await page.getByRole('table').count()) > 0 || Date.now() > deadline) break;
      await page.waitForTimeout(300);
    }
    const rows = page.getByRole('table').getByRole('row');
    expect(await rows.count()).to.equal(2); // heading and the one sign-in
    expect(await rows.nth(1).textContent())
      .to.include(auditor.name)
      .and.include('auth.signin');
    await expectAccessible(page);
    await screenshot(page, 'audit-events-en');

    await page.getByLabel('From (Hong Kong time)').fill('2020-01-01T00:00');
    await page.getByLabel('Language').selectOption('zh-HK');
    await page.getByRole('button', { name: 'Change language' }).click();
    expect(await page.locator('html').getAttribute('lang')).to.equal('zh-HK');
    await expectAccessible(page);
    await page.goto(`${runtime.url}/console/audit?incident=`);
    expect(await page.getByRole('status').textContent()).to.include('記錄鏈完整');
    await expectAccessible(page);
    await screenshot(page, 'audit-verify-zh-HK');
  });

  it('when a reporter or a responder opens the audit pages, then they get the 403 page', async () => {
    const reporter = await createPerson(runtime, 'reporter', bureauCode());
    const responder = await createPerson(runtime, 'responder');
    for (const person of [reporter, responder]) {
      const page = await browser.freshPage();
      await page.goto(`${runtime.url}/console/login`);
      await signIn(page, person.email, person.password);
      await page.waitForURL(`${runtime.url}/console`);
      for (const path of ['/console/audit', '/console/audit/events']) {
        const answer = await page.goto(`${runtime.url}${path}`);
        expect(answer?.status(), `${path} for ${person.email}`).to.equal(403);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Not allowed');
      }
    }
  });
});
