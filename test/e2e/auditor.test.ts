import { expect } from 'chai';
import { systemActor } from '../../src/auth/index.js';
import { reportBody } from '../factories/incident.factory.js';
import { createActor } from '../helpers/actors.js';
import { call } from '../helpers/http.js';
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
  const bureauWithRegime = async (): Promise<string> => {
    const code = bureauCode();
    await runtime.modules.auth.bureaux.create(systemActor('test-setup'), {
      code,
      name: 'Compliance Page Bureau',
      regimes: ['HK-GOV'],
      contacts: [],
    });
    return code;
  };
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

  it('when an auditor starts a compliance export from the page, then its progress bar completes and the file downloads', async () => {
    // An incident under a regime, so the figures have rows (filed as a bureau's system would).
    const system = await createActor(runtime, { role: 'reporter', bureauId: await bureauWithRegime() });
    const filed = await call(runtime.url, 'POST', '/api/v1/incidents', {
      key: system.key,
      body: reportBody({ title: 'Compliance page check' }),
    });
    expect(filed.status, filed.text).to.equal(201);
    const exporter = await createPerson(runtime, 'auditor');
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/compliance`);
    await signIn(page, exporter.email, exporter.password);
    await page.waitForURL(`${runtime.url}/console/compliance`);
    await expectAccessible(page);
    await screenshot(page, 'compliance-en');
    await page.getByLabel('From (date)').fill('2020-01-01');
    await page.getByRole('button', { name: 'Show figures' }).click();
    expect(new URL(page.url()).searchParams.get('from')).to.equal('2020-01-01');
    const clocks = page.getByRole('table', { name: 'Deadlines met and breached' });
    expect(await clocks.getByRole('row').count()).to.be.greaterThan(1);
    expect(await clocks.textContent()).to.include('HK-GOV');
    await expectAccessible(page);
    await screenshot(page, 'compliance-figures-en');

    await page.getByLabel('File format').selectOption('csv');
    await page.getByRole('button', { name: 'Start export' }).click();
    await page.waitForURL(/\/console\/exports\/[0-9a-f]{24}$/);
    const download = page.getByRole('link', { name: /^Download / });
    await download.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await page.locator('progress').getAttribute('value')).to.equal('100');
    await expectAccessible(page);
    await screenshot(page, 'compliance-export-done-en');
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    expect(file.suggestedFilename()).to.match(/\.csv$/);
    const path = await file.path();
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(path, 'utf8')).split('\n')[0]).to.include('regime');

    await page.goto(`${runtime.url}/console/compliance?from=yesterday`);
    expect(await page.getByRole('alert').textContent()).to.include('Enter a date.');
    await page.getByLabel('Language').selectOption('zh-HK');
    await page.getByRole('button', { name: 'Change language' }).click();
    await page.goto(`${runtime.url}/console/compliance`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('合規');
    await expectAccessible(page);
    await screenshot(page, 'compliance-zh-HK');
  });

  it('when a reporter or a responder opens the audit pages, then they get the 403 page', async () => {
    const reporter = await createPerson(runtime, 'reporter', bureauCode());
    const responder = await createPerson(runtime, 'responder');
    for (const person of [reporter, responder]) {
      const page = await browser.freshPage();
      await page.goto(`${runtime.url}/console/login`);
      await signIn(page, person.email, person.password);
      await page.waitForURL(`${runtime.url}/console`);
      for (const path of ['/console/audit', '/console/audit/events', '/console/compliance']) {
        const answer = await page.goto(`${runtime.url}${path}`);
        expect(answer?.status(), `${path} for ${person.email}`).to.equal(403);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Not allowed');
      }
    }
  });
});
