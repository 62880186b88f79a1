import { expect } from 'chai';
import { createActor, type TestActor } from '../helpers/actors.js';
import { advisoryContent, bureauWithContact, sendAdvisory } from '../helpers/advisories.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { bureauCode, createPerson, signIn } from './console-fixture.js';
import { switchLanguage } from './portal-fixture.js';

describe('bureau portal: advisories for my bureau (browser)', function () {
  this.timeout(180_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;
  let browser: TestBrowser;
  let cert: { responder: TestActor; lead: TestActor };

  before(async () => {
    smtp = await startSmtpServer();
    runtime = await startTestRuntime('e2eadvis', { CONSOLE_TOTP_REQUIRED: 'false', SMTP_URL: smtp.url });
    browser = await startBrowser();
    const [responder, lead] = await Promise.all([
      createActor(runtime, { role: 'responder' }),
      createActor(runtime, { role: 'lead' }),
    ]);
    cert = { responder, lead };
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
    await smtp.stop();
  });

  it("when a reporter opens Advisories, then the advisories sent to the bureau are listed and read under their TLP banner, and another bureau's advisory is the 404 page", async () => {
    const ours = bureauCode();
    const theirs = bureauCode();
    await bureauWithContact(runtime, ours);
    await bureauWithContact(runtime, theirs);
    const reporter = await createPerson(runtime, 'reporter', ours);
    const amber = await sendAdvisory(
      runtime,
      cert,
      [`bureau:${ours}`],
      advisoryContent({ title: 'Payroll phishing against bureaux', tlp: 'AMBER' }),
    );
    await sendAdvisory(
      runtime,
      cert,
      [`bureau:${ours}`],
      advisoryContent({ title: 'Patch the VPN gateways', tlp: 'GREEN', pap: 'GREEN' }),
    );
    const foreign = await sendAdvisory(
      runtime,
      cert,
      [`bureau:${theirs}`],
      advisoryContent({ title: 'Only for the other bureau' }),
    );

    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console`);
    await signIn(page, reporter.email, reporter.password);
    await page.waitForURL(`${runtime.url}/console`);
    await page.getByRole('navigation').getByRole('link', { name: 'Advisories' }).click();
    await page.waitForURL(`${runtime.url}/console/advisories`);
    const main = (await page.textContent('main')) ?? '';
    expect(main).to.include('Payroll phishing against bureaux');
    expect(main).to.include('Patch the VPN gateways');
    expect(main).not.to.include('Only for the other bureau');
    expect(await page.getByRole('row', { name: /Payroll phishing/ }).textContent()).to.include('TLP:AMBER');
    await expectAccessible(page);
    await screenshot(page, 'portal-advisories-en');

    await page
      .getByRole('row', { name: /Payroll phishing/ })
      .getByRole('link')
      .click();
    await page.waitForURL(`${runtime.url}/console/advisories/${amber}`);
    const banner = page.getByRole('note');
    expect(await banner.textContent()).to.include('TLP:AMBER');
    expect(await banner.textContent()).to.include('need-to-know');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(
      'Payroll phishing against bureaux',
    );
    const indicators = (await page.getByRole('table').textContent()) ?? '';
    expect(indicators).to.include('payroll-check.example');
    expect(indicators).to.include('198.51.100.77');
    expect(await page.textContent('main')).to.include('Block the sender domain.');
    await expectAccessible(page);
    await screenshot(page, 'portal-advisory-en');

    await switchLanguage(page, 'Language', 'zh-HK');
    // TLP labels are never translated; what the label allows is.
    expect(await page.getByRole('note').textContent()).to.include('TLP:AMBER');
    expect(await page.getByRole('note').textContent()).to.include('有需要知道');
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).to.equal('摘要');
    await expectAccessible(page);
    await screenshot(page, 'portal-advisory-zh-HK');
    await page.goto(`${runtime.url}/console/advisories`);
    await expectAccessible(page);
    await screenshot(page, 'portal-advisories-zh-HK');
    await switchLanguage(page, '語言', 'en');

    const answer = await page.goto(`${runtime.url}/console/advisories/${foreign}`);
    expect(answer?.status()).to.equal(404);
    expect(await page.textContent('main')).not.to.include('Only for the other bureau');
  });

  it('when a responder follows the navigation, then there is no bureau portal link, and the reporters’ pages are refused', async () => {
    const responder = await createPerson(runtime, 'responder');
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console`);
    await signIn(page, responder.email, responder.password);
    await page.waitForURL(`${runtime.url}/console`);
    const nav = page.getByRole('navigation');
    for (const name of ['My organisation', 'My incidents', 'Report an incident']) {
      expect(await nav.getByRole('link', { name, exact: true }).count(), name).to.equal(0);
    }
    // Their Advisories link is the advisory desk's, not the bureau portal's.
    const advisoryLinks = nav.getByRole('link', { name: 'Advisories', exact: true });
    for (let i = 0; i < (await advisoryLinks.count()); i += 1) {
      expect(await advisoryLinks.nth(i).getAttribute('href')).to.equal('/console/advisories/drafts');
    }
    const answer = await page.goto(`${runtime.url}/console/advisories`);
    expect(answer?.status()).to.equal(403);
  });

  it('when CERT staff follow the link an advisory mail carries, then they land on the advisory desk page of that advisory', async () => {
    const code = bureauCode();
    await bureauWithContact(runtime, code);
    const sent = await sendAdvisory(
      runtime,
      cert,
      [`bureau:${code}`],
      advisoryContent({ title: 'Mail link for the desk' }),
    );
    const responder = await createPerson(runtime, 'responder');
    const page = await browser.freshPage();
    // The mail's link, opened before signing in: sign-in leads back to it, and on to the desk's page.
    await page.goto(`${runtime.url}/console/advisories/${sent}`);
    await signIn(page, responder.email, responder.password);
    await page.waitForURL(`${runtime.url}/console/advisories/drafts/${sent}`);
    expect(await page.textContent('main')).to.include('Mail link for the desk');
    const admin = await createPerson(runtime, 'admin');
    const adminPage = await browser.freshPage();
    await adminPage.goto(`${runtime.url}/console`);
    await signIn(adminPage, admin.email, admin.password);
    await adminPage.waitForURL(`${runtime.url}/console`);
    const refused = await adminPage.goto(`${runtime.url}/console/advisories/${sent}`);
    expect(refused?.status()).to.equal(403);
  });
});
