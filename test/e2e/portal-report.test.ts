import { expect } from 'chai';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { bureauCode, createPerson, signIn } from './console-fixture.js';
import { actorOf, hkLocal, switchLanguage } from './portal-fixture.js';

describe('bureau portal: report an incident (browser)', function () {
  this.timeout(180_000);
  let runtime: TestRuntime;
  let browser: TestBrowser;

  before(async () => {
    runtime = await startTestRuntime('e2eportal', { CONSOLE_TOTP_REQUIRED: 'false' });
    browser = await startBrowser();
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
  });

  it('when a reporter files a report with a mistake, then the error stands next to the field, nothing typed is lost, and the corrected report gives its reference and running clocks', async () => {
    const code = bureauCode();
    const reporter = await createPerson(runtime, 'reporter', code);
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/report`);
    await signIn(page, reporter.email, reporter.password);
    await page.waitForURL(`${runtime.url}/console/report`);
    await expectAccessible(page);

    await page.getByLabel('Title').fill('Ransomware on the licensing file server');
    await page.getByLabel('What happened', { exact: false }).first().fill('Files were encrypted overnight.');
    await page.getByLabel('Category').selectOption('ransomware');
    await page.getByLabel('When it was discovered').fill(hkLocal(50));
    await page.getByLabel('When the bureau became aware').fill(hkLocal(40));
    await page.getByLabel('Criticality tier of the affected system').selectOption('2');
    await page.getByLabel('Does it run a critical e-government service?').selectOption('no');
    await page.getByLabel('Who operates the system?').selectOption('outsourced');
    await page.getByRole('checkbox', { name: 'Data' }).check();
    await page.getByLabel('Harm to confidentiality').selectOption('unknown');
    // Harm to integrity is left unchosen: a required choice.
    await page.getByLabel('Harm to availability').selectOption('high');
    await page.getByLabel('Harm to the Government’s image').selectOption('low');
    await page.getByLabel('Effect on the services the system provides').selectOption('medium');
    await page.getByLabel('What happened to information').selectOption('integrity');
    await page.getByLabel('What recovery takes').selectOption('unknown');
    await page.getByLabel('Highest classification of the data involved').selectOption('restricted');
    await page.getByLabel('Is personal data involved?').selectOption('no');
    await page.getByLabel('Government staff affected').fill('120');
    await page.getByRole('checkbox', { name: 'A crime is suspected' }).check();
    await page
      .getByLabel('Indicators of compromise')
      .fill('203.0.113.45\nnot a valid indicator!\nevil.example.com');
    await page.getByRole('checkbox', { name: 'Already reported to GIRO-SO by phone' }).check();
    await page.getByLabel('When you phoned GIRO-SO').fill(hkLocal(30));
    await page.getByRole('button', { name: 'Send the report' }).click();
    await page.waitForLoadState();

    expect(await page.getByRole('alert').textContent()).to.include('Choose one of the options.');
    const integrity = page.getByLabel('Harm to integrity');
    expect(await integrity.getAttribute('aria-invalid')).to.equal('true');
    expect(await page.locator('#impact\\.integrity-error').textContent()).to.include(
      'Choose one of the options.',
    );
    expect(await page.locator('[id="indicators-error"]').textContent()).to.include('Line 2 is not');
    // Nothing typed is lost.
    expect(await page.getByLabel('Title').inputValue()).to.equal('Ransomware on the licensing file server');
    expect(await page.getByLabel('Harm to confidentiality').inputValue()).to.equal('unknown');
    expect(await page.getByRole('checkbox', { name: 'Data' }).isChecked()).to.equal(true);
    expect(await page.getByLabel('Indicators of compromise').inputValue()).to.include('evil.example.com');
    await expectAccessible(page);
    await screenshot(page, 'portal-report-errors-en');

    await integrity.selectOption('high');
    await page.getByLabel('Indicators of compromise').fill('203.0.113.45\nurl https://evil.example.com/x');
    await page.getByRole('button', { name: 'Send the report' }).click();
    await page.waitForURL(/\/console\/report\/[0-9a-f]{24}\/sent/);
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    const ref = /Report (\S+) received/.exec(heading ?? '')?.[1] ?? '';
    expect(ref).to.match(/\d/);
    expect(await page.textContent('main')).to.include('What happens next');

    // Triage runs in the worker: the bureau's clocks appear once it has.
    for (let i = 0; i < 50 && (await page.getByRole('table').count()) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await page.reload();
    }
    const initial = page.getByRole('row', { name: /Initial \(phone\) report to GIRO-SO/ });
    expect(await initial.textContent()).to.include('Met');
    expect(await page.getByRole('row', { name: /Preliminary written report/ }).textContent()).to.include(
      'Running',
    );
    // The CERT's own clocks (acknowledge, contain) are not the bureau's to see here.
    expect(await page.textContent('main')).not.to.include('Acknowledge the incident');
    await expectAccessible(page);
    await screenshot(page, 'portal-report-sent-en');

    const id = /report\/([0-9a-f]{24})\/sent/.exec(page.url())?.[1] ?? '';
    const stored = await runtime.modules.intake.incidents.get(actorOf(reporter), id);
    expect(stored.indicators.map((i) => i.type)).to.deep.equal(['ipv4', 'url']);
    const facts = stored.facts as { impact: { confidentiality: string }; recoverability: string };
    expect(facts.impact.confidentiality).to.equal('unknown');
    expect(facts.recoverability).to.equal('unknown');

    await switchLanguage(page, 'Language', 'zh-HK');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.include(`已收到報告 ${ref}`);
    await expectAccessible(page);
    await screenshot(page, 'portal-report-sent-zh-HK');
    await page.goto(`${runtime.url}/console/report`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('報告事故');
    await page.getByRole('button', { name: '提交報告' }).click();
    await page.waitForLoadState();
    expect(await page.locator('[id="title-error"]').textContent()).to.include('必須');
    await expectAccessible(page);
    await screenshot(page, 'portal-report-zh-HK');
  });
});
