import { expect } from 'chai';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { bureauCode, createPerson, signIn } from './console-fixture.js';
import { fileIncident, hkLocal, switchLanguage } from './portal-fixture.js';

describe('bureau portal: incident page (browser)', function () {
  this.timeout(180_000);
  let runtime: TestRuntime;
  let browser: TestBrowser;

  before(async () => {
    runtime = await startTestRuntime('e2eincpage', { CONSOLE_TOTP_REQUIRED: 'false' });
    browser = await startBrowser();
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
  });

  it('when a reporter opens their incident from its mail address and sends a follow-up, then they see the facts, each report the bureau owes once (with its form) and the update in the history, and a wrong time is an error next to its field', async () => {
    const reporter = await createPerson(runtime, 'reporter', bureauCode());
    const filed = await fileIncident(runtime, reporter, { title: 'Defaced licensing site' });

    const page = await browser.freshPage();
    // The address mails link to leads the reporter to the portal's page of the incident.
    await page.goto(`${runtime.url}/console/incidents/${filed.id}`);
    await signIn(page, reporter.email, reporter.password);
    await page.waitForURL(`${runtime.url}/console/my-incidents/${filed.id}`);
    // The report owed is listed once: in "Reports we owe", with its due time and the link to its form.
    const owed = page.getByRole('row', { name: /Preliminary written report to GIRO-SO/ });
    for (let i = 0; i < 60 && (await owed.count()) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await page.reload();
    }
    expect(await owed.count()).to.equal(1);
    const reportsOwed = page.getByRole('region', { name: 'Reports we owe' });
    expect(
      await reportsOwed.getByRole('row', { name: /Preliminary written report to GIRO-SO/ }).count(),
    ).to.equal(1);
    expect(await owed.textContent()).to.include('Due');
    expect(await owed.getByRole('link', { name: 'Write the report' }).count()).to.equal(1);
    // Every deadline of the bureau here is a staged report: no second table of the same reports.
    expect(await page.getByRole('heading', { name: 'Reports your bureau owes' }).count()).to.equal(0);
    expect(
      await page.getByRole('heading', { name: 'Other deadlines your bureau must meet' }).count(),
    ).to.equal(0);
    const main = (await page.textContent('main')) ?? '';
    expect(main).to.include('Defaced licensing site');
    expect(main).to.include('203.0.113.7');
    expect(main).to.include('Assessed by GovCERT');
    // The CERT's own clocks are not shown to the bureau.
    expect(main).not.to.include('Acknowledge the incident');

    await page
      .getByLabel('What has changed')
      .fill('Contained: the site is offline and restored from backup.');
    await page.getByLabel('When it was contained (if it is now)').fill(hkLocal(-120)); // two hours ahead
    await page.getByRole('button', { name: 'Send the update' }).click();
    await page.waitForLoadState();
    expect(await page.locator('[id="update-containedAt-error"]').textContent()).to.include('in the future');
    expect(await page.getByLabel('What has changed').inputValue()).to.include('restored from backup');
    await expectAccessible(page);
    await screenshot(page, 'portal-incident-update-error-en');

    await page.getByLabel('When it was contained (if it is now)').fill(hkLocal(5));
    await page.getByLabel('What recovery takes (if now known)').selectOption('regular');
    await page.getByRole('button', { name: 'Send the update' }).click();
    await page.waitForURL(`${runtime.url}/console/my-incidents/${filed.id}`);
    expect(await page.getByRole('status').textContent()).to.include('Your update was sent to GovCERT.');
    expect(await page.textContent('main')).to.include('Contained: the site is offline');
    await expectAccessible(page);
    await screenshot(page, 'portal-incident-en');

    await switchLanguage(page, 'Language', 'zh-HK');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(`事故 ${filed.ref}`);
    // The reports owed are named in Chinese, as the policy names them.
    expect(await page.textContent('main')).to.include('致 GIRO-SO 的初步書面報告');
    await expectAccessible(page);
    await screenshot(page, 'portal-incident-zh-HK');
  });
});
