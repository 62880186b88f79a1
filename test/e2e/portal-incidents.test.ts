import { expect } from 'chai';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { bureauCode, createPerson, signIn } from './console-fixture.js';
import { fileIncident, switchLanguage } from './portal-fixture.js';

describe('bureau portal: my incidents (browser)', function () {
  this.timeout(180_000);
  let runtime: TestRuntime;
  let browser: TestBrowser;

  before(async () => {
    runtime = await startTestRuntime('e2emine', { CONSOLE_TOTP_REQUIRED: 'false' });
    browser = await startBrowser();
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
  });

  it("when a reporter opens my incidents, then only the bureau's incidents are listed with the next deadline owed, in pages, filtered, and another bureau's incident is a 404 page", async () => {
    const reporter = await createPerson(runtime, 'reporter', bureauCode());
    const stranger = await createPerson(runtime, 'reporter', bureauCode());
    const foreign = await fileIncident(runtime, stranger, { title: 'Another bureau’s incident' });
    const own: Array<{ id: string; ref: string }> = [];
    for (let i = 0; i < 21; i++)
      own.push(await fileIncident(runtime, reporter, { title: `Own incident ${i}` }));

    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console`);
    await signIn(page, reporter.email, reporter.password);
    await page.waitForURL(`${runtime.url}/console`);
    // The home page's next steps (the navigation has the same link).
    await page.getByRole('main').getByRole('link', { name: 'My incidents' }).click();
    await page.waitForURL(`${runtime.url}/console/my-incidents`);
    // Triage runs in the worker: the newest incident shows its deadline once it has, and the clock
    // rules then meet the initial report (filed here), so wait for the written one, not any GIRO-SO.
    const newest = page.getByRole('row', { name: new RegExp(own[20]?.ref ?? '') });
    const preliminary = 'Preliminary written report to GIRO-SO';
    for (let i = 0; i < 60 && !((await newest.textContent()) ?? '').includes(preliminary); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await page.reload();
    }
    const row = (await newest.textContent()) ?? '';
    expect(row).to.include('Own incident 20');
    // The initial report to GIRO-SO is met by filing the report here: the next owed is the written one.
    expect(row).to.include(preliminary);
    expect(row).to.match(/\d+ h \d+ min/);
    expect(await page.getByRole('row').count()).to.equal(21); // 20 and the header
    const main = (await page.textContent('main')) ?? '';
    expect(main).not.to.include(foreign.ref);
    await expectAccessible(page);
    await screenshot(page, 'portal-my-incidents-en');

    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('row').count()).to.equal(2);
    await page.getByRole('link', { name: 'First page' }).click();
    await page.waitForLoadState();

    await page.getByLabel('Status').selectOption('closed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/status=closed/);
    expect(await page.textContent('main')).to.include('No incidents match.');
    expect(await page.getByLabel('Status').inputValue()).to.equal('closed');

    const answer = await page.goto(`${runtime.url}/console/incidents/${foreign.id}`);
    expect(answer?.status()).to.equal(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Page not found');
    expect(await page.textContent('main')).not.to.include('Another bureau');

    await page.goto(`${runtime.url}/console/my-incidents`);
    await switchLanguage(page, 'Language', 'zh-HK');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('我的事故');
    // The deadline's name is the policy's Chinese one, not its English name.
    const zhRow = (await newest.textContent()) ?? '';
    expect(zhRow).to.include('致 GIRO-SO 的初步書面報告');
    expect(zhRow).not.to.include('Preliminary written report');
    expect(await page.textContent('main')).to.match(/\d+ 小時 \d+ 分鐘/);
    await expectAccessible(page);
    await screenshot(page, 'portal-my-incidents-zh-HK');
  });
});
