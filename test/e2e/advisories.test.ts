import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { systemActor } from '../../src/auth/index.js';
import { uniqueName } from '../helpers/services.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { createPerson, signIn, type ConsolePerson } from './console-fixture.js';

describe('advisories for CERT staff (browser)', function () {
  this.timeout(240_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;
  let first: TestBrowser;
  let second: TestBrowser;
  let alice: ConsolePerson;
  let bob: ConsolePerson;
  let list: string;
  let member: string;

  before(async () => {
    smtp = await startSmtpServer();
    runtime = await startTestRuntime('e2eadv', { SMTP_URL: smtp.url, CONSOLE_TOTP_REQUIRED: 'false' });
    first = await startBrowser();
    second = await startBrowser();
    alice = await createPerson(runtime, 'lead');
    bob = await createPerson(runtime, 'lead');
    list = uniqueName('partners').replace(/_/g, '-');
    member = `${uniqueName('duty').replace(/_/g, '.')}@hkcert.example`;
    await runtime.modules.notifications.lists.upsert(systemActor('test-setup'), list, {
      name: 'HKCERT duty desk',
      organisation: 'HKCERT',
      circle: 'partner',
      members: [{ name: 'HKCERT Duty Desk', address: member }],
    });
  });
  after(async () => {
    await first.close();
    await second.close();
    await runtime.stop();
    await smtp.stop();
  });

  const drafts = () => `${runtime.url}/console/advisories/drafts`;
  const idOf = (page: Page): string => /\/drafts\/([0-9a-f]{24})/.exec(page.url())?.[1] ?? '';

  /** Lead `who` signs in at `path` on a fresh page of `browser`. */
  async function openAs(browser: TestBrowser, who: ConsolePerson, path: string): Promise<Page> {
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}${path}`);
    await signIn(page, who.email, who.password);
    await page.waitForURL(`${runtime.url}${path}`);
    return page;
  }

  /** Fills the composer's main fields and saves the draft; answers the advisory's id. */
  async function compose(
    page: Page,
    title: string,
    tlp: string,
    extra: () => Promise<void>,
  ): Promise<string> {
    await page.getByRole('link', { name: 'Advisories', exact: true }).click();
    await page.getByRole('button', { name: 'New advisory' }).click();
    await page.waitForURL(/\/console\/advisories\/drafts\/new/);
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('TLP', { exact: true }).selectOption(tlp);
    await page.getByLabel('PAP', { exact: true }).selectOption(tlp === 'RED' ? 'RED' : 'GREEN');
    await page.getByLabel('Summary').fill('A remote code execution flaw in the VPN gateway is exploited.');
    await extra();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/console\/advisories\/drafts\/[0-9a-f]{24}$/);
    return idOf(page);
  }

  it('when lead A drafts and revises, A’s own approval is refused, lead B approves and A sends to a list, then the TLP check, the mail and the delivery status show', async () => {
    const page = await openAs(first, alice, '/console/advisories/drafts');
    await expectAccessible(page);

    // A field left empty is named next to the field; what was typed stays.
    await page.getByRole('button', { name: 'New advisory' }).click();
    await page.getByLabel('Summary').fill('Typed before the mistake.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    expect(await page.getByRole('alert').textContent()).to.include('This field is required.');
    expect(await page.getByLabel('Summary').inputValue()).to.equal('Typed before the mistake.');
    await expectAccessible(page);
    await screenshot(page, 'advisory-compose-errors-en');

    const id = await compose(page, 'Critical flaw in VPN gateways', 'GREEN', async () => {
      await page
        .getByLabel('Recommendations')
        .fill('Apply the vendor update.\nRestrict the admin interface.');
      await page
        .getByLabel('Indicators')
        .fill('198.51.100.23 | scanner\nurl https://update.evil.example/gw.php | payload\n' + 'a'.repeat(64));
      await page.getByLabel('References').fill('Vendor bulletin | https://vendor.example/psirt/1');
      await page.getByLabel('Vulnerability title').fill('Pre-auth RCE');
      await page.getByLabel('Vulnerability description').fill('A crafted request runs code as root.');
      await page.getByLabel('Products').fill('vpn-gw-9 | VPN Gateway 9.1');
      await page.getByLabel('Affected product ids').fill('vpn-gw-9');
    });
    expect(await page.getByRole('status').textContent()).to.include('drafted');
    const indicators = await page.locator('main table').first().textContent();
    expect(indicators).to.include('ipv4').and.to.include('198.51.100.23').and.to.include('sha256');
    await expectAccessible(page);

    // Four eyes: the author's approval is refused, in words, and nothing changes.
    await page.getByRole('button', { name: 'Approve revision 1' }).click();
    expect(await page.getByRole('alert').textContent()).to.include('four eyes');
    expect((await runtime.modules.advisories.advisories.require(id)).revisions[0].approvedAt).to.equal(null);
    await expectAccessible(page);
    await screenshot(page, 'advisory-four-eyes-en');

    // A new revision, and the difference between the two.
    await page.getByRole('link', { name: 'Edit (new revision)' }).click();
    await page.getByLabel('Recommendations').fill('Upgrade to 9.1.5.\nRestrict the admin interface.');
    await page.getByLabel('What changed and why').fill('Fixed version confirmed');
    await page.getByRole('button', { name: 'Save as a new revision' }).click();
    await page.waitForURL(`${drafts()}/${id}`);
    expect(await page.getByRole('status').textContent()).to.include('new revision');
    await page.getByRole('button', { name: 'Compare' }).click();
    const diff = await page.locator('main').textContent();
    expect(diff).to.include('Added: Upgrade to 9.1.5.').and.to.include('Removed: Apply the vendor update.');
    await expectAccessible(page);
    await screenshot(page, 'advisory-diff-en');

    // The mail as recipients get it, from the send's own template.
    await page.goto(`${drafts()}/${id}/preview`);
    expect(await page.locator('.mail-subject').textContent()).to.match(
      /^\[TLP:GREEN\] GOVCERT-HK-\d{4}-\d{4}: Critical flaw/,
    );
    expect(await page.locator('pre.mail-text').textContent())
      .to.match(/^TLP:GREEN/)
      .and.to.include('PAP:GREEN')
      .and.to.include('Upgrade to 9.1.5.')
      .and.to.include('198[.]51[.]100[.]23');
    expect(await page.frameLocator('iframe.mail-html').locator('body').textContent()).to.include(
      'Upgrade to 9.1.5.',
    );
    await expectAccessible(page);
    await screenshot(page, 'advisory-preview-en');

    // Lead B approves revision 2.
    const other = await openAs(second, bob, `/console/advisories/drafts/${id}`);
    expect(await other.locator('#approval-hint').textContent()).to.include('Read revision 2');
    await other.getByRole('button', { name: 'Approve revision 2' }).click();
    await other.waitForURL(`${drafts()}/${id}`);
    expect(await other.getByRole('status').textContent()).to.include('Revision 2 of');
    expect(
      (await runtime.modules.advisories.advisories.require(id)).revisions[1].approvedBy?.userId,
    ).to.equal(bob.id);

    // A checks what the TLP allows for the list, then sends.
    await page.goto(`${drafts()}/${id}`);
    await page.getByRole('link', { name: 'Send…' }).click();
    await page.getByLabel('HKCERT duty desk (HKCERT, a partner)').check();
    await page.getByRole('button', { name: 'Check recipients' }).click();
    expect(await page.locator('.tlp-check').textContent())
      .to.include('TLP:GREEN allows all 1 recipients.')
      .and.to.include(member);
    await expectAccessible(page);
    await screenshot(page, 'advisory-send-check-en');
    await page.getByRole('button', { name: 'Send revision 2 to 1 recipients' }).click();
    await page.waitForURL(new RegExp(`/drafts/${id}(#deliveries)?$`));
    expect(await page.getByRole('status').textContent()).to.include('queued for 1 recipients');

    await smtp.waitFor(() => smtp.to(member).length > 0, 60_000, 'the advisory mail');
    expect(smtp.to(member)[0].parsed.subject).to.match(
      /^\[TLP:GREEN\] GOVCERT-HK-\d{4}-\d{4}: Critical flaw/,
    );
    // The page's script brings the delivery status in without a reload.
    await page
      .locator('#deliveries')
      .getByRole('cell', { name: 'Delivered to the mail server' })
      .waitFor({ timeout: 60_000 });
    expect(await page.locator('#deliveries').getAttribute('data-settled')).to.equal('true');
    expect(await page.locator('#deliveries').textContent()).to.include(member);
    await expectAccessible(page);
    await screenshot(page, 'advisory-delivered-en');
  });

  it('when a TLP:RED advisory is checked against a recipient list, then the TLP refuses the list with its reason and offers no send', async () => {
    const page = await openAs(first, alice, '/console/advisories/drafts');
    const id = await compose(page, 'Targeted intrusion, named recipients only', 'RED', () =>
      Promise.resolve(),
    );
    const other = await openAs(second, bob, `/console/advisories/drafts/${id}`);
    await other.getByRole('button', { name: 'Approve revision 1' }).click();
    await other.waitForURL(`${drafts()}/${id}`);

    await page.goto(`${drafts()}/${id}/send`);
    await page.getByLabel('HKCERT duty desk (HKCERT, a partner)').check();
    await page.getByRole('button', { name: 'Check recipients' }).click();
    const check = await page.locator('.tlp-check').textContent();
    expect(check)
      .to.include('TLP:RED refuses 1 of 1 recipients')
      .and.to.include('TLP:RED goes to named people only, never to a list.');
    expect(await page.getByRole('button', { name: /^Send revision/ }).count()).to.equal(0);
    expect((await runtime.modules.advisories.advisories.require(id)).sends).to.have.length(0);
    await expectAccessible(page);
    await screenshot(page, 'advisory-red-refused-en');
  });

  it('when a lead reads the advisory pages in Chinese, then they are translated and accessible', async () => {
    const page = await openAs(second, bob, '/console/advisories/drafts');
    await page.getByLabel('Language').selectOption('zh-HK');
    await page.getByRole('button', { name: 'Change language' }).click();
    await page.waitForURL(drafts());
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('保安通告');
    await expectAccessible(page);
    const [advisory] = await runtime.modules.advisories.advisories.list(1);
    for (const path of [
      '/console/advisories/drafts/new?template=vulnerability',
      `/console/advisories/drafts/${advisory.id}`,
      `/console/advisories/drafts/${advisory.id}/preview`,
      `/console/advisories/drafts/${advisory.id}/send?check=1&lists=${list}`,
    ]) {
      await page.goto(`${runtime.url}${path}`);
      expect(await page.locator('html').getAttribute('lang')).to.equal('zh-HK');
      await expectAccessible(page);
    }
    expect(await page.locator('.tlp-check').textContent()).to.include('TLP:RED');
    await screenshot(page, 'advisory-send-check-zh-HK');
    await page.goto(`${runtime.url}/console/advisories/drafts/new?template=vulnerability`);
    await screenshot(page, 'advisory-compose-zh-HK');
  });

  it('when a reporter opens the advisory desk, or an auditor the composer, then they get the 403 page', async () => {
    const reporter = await createPerson(runtime, 'reporter', 'ADVRPT');
    const auditor = await createPerson(runtime, 'auditor');
    const [advisory] = await runtime.modules.advisories.advisories.list(1);
    const refused: Array<[ConsolePerson, string[]]> = [
      [reporter, ['/console/advisories/drafts', `/console/advisories/drafts/${advisory.id}`]],
      [auditor, ['/console/advisories/drafts/new', `/console/advisories/drafts/${advisory.id}/send`]],
    ];
    for (const [person, paths] of refused) {
      const page = await first.freshPage();
      await page.goto(`${runtime.url}/console/login`);
      await signIn(page, person.email, person.password);
      await page.waitForURL(/\/console(\/my-incidents)?$/);
      for (const path of paths) {
        const answer = await page.goto(`${runtime.url}${path}`);
        expect(answer?.status(), path).to.equal(403);
      }
    }
  });
});
