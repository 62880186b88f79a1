import { expect } from 'chai';
import { createActor, type TestActor } from '../helpers/actors.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { reportAndTriage, type WorkflowJson } from '../integration/workflow/workflow-fixture.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { bureauCode, createPerson, signIn, type ConsolePerson } from './console-fixture.js';

describe('responders’ queues (browser)', function () {
  this.timeout(180_000);
  let runtime: TestRuntime;
  let browser: TestBrowser;
  let reporter: TestActor;
  let responder: ConsolePerson;
  let incident: WorkflowJson;

  before(async () => {
    runtime = await startTestRuntime('e2equeues', { CONSOLE_TOTP_REQUIRED: 'false' });
    browser = await startBrowser();
    reporter = await createActor(runtime, { role: 'reporter' });
    const reader = await createActor(runtime, { role: 'responder' });
    incident = await reportAndTriage(runtime.url, reporter, reader);
    responder = await createPerson(runtime, 'responder');
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
  });

  it('when a responder opens the queues, then every queue shows with its counts and the incident is listed with a live countdown, in English and Chinese', async () => {
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/queues`);
    await signIn(page, responder.email, responder.password);
    await page.waitForURL(`${runtime.url}/console/queues`);
    const queue = incident.queue ?? '';
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: queue, exact: true }) });
    expect(await row.count()).to.equal(1);
    await expectAccessible(page);
    await screenshot(page, 'queues-en');

    await page.getByRole('link', { name: queue, exact: true }).click();
    await page.waitForURL(`${runtime.url}/console/queues/${queue}`);
    const line = page.getByRole('row').filter({ has: page.getByRole('link', { name: incident.ref }) });
    expect(await line.count()).to.equal(1);
    const cell = line.locator('time[data-due]');
    expect(await cell.textContent()).to.match(/left$/);
    // The script keeps the column current: a deadline moved into the past reads as overdue, no reload.
    const past = new Date(Date.now() - 3 * 3_600_000).toISOString();
    await page.evaluate(`document.querySelector('time[data-due]').setAttribute('data-due', '${past}')`);
    await line.locator('time[data-due]', { hasText: /^Overdue by 3 h/ }).waitFor({ timeout: 30_000 });
    await expectAccessible(page);
    await screenshot(page, 'queue-en');

    // Filters: "only mine" hides the unclaimed incident; the severity it has keeps it.
    await page.getByLabel('Only mine').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(await page.getByText('No incident matches.').count()).to.equal(1);
    await page.goto(`${runtime.url}/console/queues/${queue}?severity=${incident.severity ?? ''}`);
    expect(await page.getByRole('link', { name: incident.ref }).count()).to.equal(1);

    await page.getByLabel('Language').selectOption('zh-HK');
    await page.getByRole('button', { name: 'Change language' }).click();
    await page.waitForSelector('html[lang="zh-HK"]');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(`隊列 ${queue}`);
    await expectAccessible(page);
    await screenshot(page, 'queue-zh');
    await page.goto(`${runtime.url}/console/queues`);
    await expectAccessible(page);
    await page.getByLabel('語言').selectOption('en');
    await page.getByRole('button', { name: '轉換語言' }).click();
  });

  it('when a responder opens My work, then an incident whose deadline is near is listed with its countdown', async () => {
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/work`);
    await signIn(page, responder.email, responder.password);
    await page.waitForURL(`${runtime.url}/console/work`);
    expect(await page.getByText('Nothing is assigned to you.').count()).to.equal(1);
    const line = page.getByRole('row').filter({ has: page.getByRole('link', { name: incident.ref }) });
    expect(await line.locator('time[data-due]').textContent()).to.match(/left$/);
    await expectAccessible(page);
    await screenshot(page, 'work-en');
  });

  it('when a responder asks for a queue nobody routes to, then the 404 page shows', async () => {
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/queues/no-such-queue`);
    await signIn(page, responder.email, responder.password);
    await page.waitForURL(`${runtime.url}/console/queues/no-such-queue`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Page not found');
  });

  it('when a bureau reporter opens the queues, then the 403 page shows', async () => {
    const person = await createPerson(runtime, 'reporter', bureauCode());
    const page = await browser.freshPage();
    const response = await page.goto(`${runtime.url}/console/queues`);
    expect(response?.status()).to.equal(200);
    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console/queues`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Not allowed');
  });
});
