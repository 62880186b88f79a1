import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { reportBody, uniqueIndicator } from '../factories/incident.factory.js';
import { createActor } from '../helpers/actors.js';
import { call } from '../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { uniqueName } from '../helpers/services.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { bureauCode, createPerson, ensureBureau, signIn, type ConsolePerson } from './console-fixture.js';

describe('more admin pages: keys, recipient lists, policy packs, bureau edit, queues (browser)', function () {
  this.timeout(180_000);
  let runtime: TestRuntime;
  let browser: TestBrowser;
  let admin: ConsolePerson;

  before(async () => {
    runtime = await startTestRuntime('e2eadminmore', { CONSOLE_TOTP_REQUIRED: 'false' });
    browser = await startBrowser();
    admin = await createPerson(runtime, 'admin');
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
  });

  /** A page signed in as the admin, at `path`. */
  async function adminAt(path: string): Promise<Page> {
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}${path}`);
    await signIn(page, admin.email, admin.password);
    await page.waitForURL(`${runtime.url}${path}`);
    return page;
  }

  it('when an admin issues a key, then it is shown once, works against the API, and is refused once revoked', async () => {
    const owner = await createPerson(runtime, 'responder');
    const page = await adminAt('/console/admin/keys');
    await expectAccessible(page);
    const label = uniqueName('siem');
    await page.getByLabel('Owner').selectOption({ label: `${owner.name} (${owner.email}) – Responder` });
    await page.getByLabel('Label').fill(label);
    await page.getByLabel('Valid for (days)').fill('30');
    await page.getByRole('button', { name: 'Issue key' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('API key issued');
    const key = (await page.locator('code.secret').textContent())?.trim() ?? '';
    expect(key).to.match(/^gck_/);
    await expectAccessible(page);
    await screenshot(page, 'admin-key-issued-en');

    // A reload sends the form again: no second key, and the key is not shown again.
    await page.reload().catch(() => undefined);
    expect(await page.content()).not.to.contain(key);
    const keys = await runtime.modules.auth.keys.list({ userId: owner.id });
    expect(keys.map((k) => k.label)).to.deep.equal([label]);

    const me = await call<{ user: { id: string } }>(runtime.url, 'GET', '/api/v1/me', { key });
    expect(me.status, me.text).to.equal(200);
    expect(me.body.user.id).to.equal(owner.id);

    await page.goto(`${runtime.url}/console/admin/keys`);
    const row = page.getByRole('row').filter({ hasText: label });
    expect(await row.textContent()).to.include(owner.name);
    await page.getByRole('link', { name: `Revoke ${label}` }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Revoke an API key');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Yes, revoke this key' }).click();
    await page.waitForURL(`${runtime.url}/console/admin/keys`);
    expect(await page.getByRole('status').textContent()).to.include('is revoked');
    expect(await page.getByRole('row').filter({ hasText: label }).textContent()).to.include('Revoked');
    await screenshot(page, 'admin-keys-en');

    const after = await call(runtime.url, 'GET', '/api/v1/me', { key });
    expect(after.status).to.equal(401);
  });

  it('when an admin creates, edits and disables a recipient list, then the service has it so', async () => {
    const page = await adminAt('/console/admin/lists');
    await expectAccessible(page);
    const slug = uniqueName('desk').toLowerCase().replace(/_/g, '-');
    await page.getByLabel('Slug').fill(slug);
    await page.getByLabel('Name', { exact: true }).fill('Partner duty desk');
    await page.getByLabel('Organisation').fill('Partner Team');
    await page.getByLabel('Circle').selectOption('partner');
    await page.getByLabel('Members').fill('Duty Officer, duty@partner.example\nno address here');
    await page.getByRole('button', { name: 'Create list' }).click();
    expect(await page.getByRole('alert').textContent()).to.include('Line 2');
    expect(await page.getByLabel('Slug').inputValue()).to.equal(slug);
    await expectAccessible(page);
    await page.getByLabel('Members').fill('Duty Officer, duty@partner.example');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.waitForURL(`${runtime.url}/console/admin/lists`);
    expect(await page.getByRole('status').textContent()).to.include(`List ${slug} created.`);

    await page.getByRole('link', { name: `Edit ${slug}` }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(`Edit list ${slug}`);
    await expectAccessible(page);
    await page
      .getByLabel('Members')
      .fill('Duty Officer, duty@partner.example\nSecond Officer, second@partner.example');
    await page.getByRole('button', { name: 'Save list' }).click();
    await page.waitForURL(`${runtime.url}/console/admin/lists`);
    expect(await page.getByRole('row').filter({ hasText: slug }).textContent()).to.include('2 members');

    await page.getByRole('button', { name: `Disable ${slug}` }).click();
    await page.waitForURL(`${runtime.url}/console/admin/lists`);
    expect(await page.getByRole('status').textContent()).to.include(`List ${slug} is disabled`);
    await screenshot(page, 'admin-lists-en');
    const stored = await runtime.modules.notifications.lists.require(slug);
    expect(stored.members.map((m) => m.address)).to.deep.equal([
      'duty@partner.example',
      'second@partner.example',
    ]);
    expect(stored.disabledAt).not.to.equal(null);
  });

  it('when an admin runs the policy tests and simulates enabling a pack, then each case and the changed incidents are shown', async () => {
    // Two incidents naming the proposed PCPD regime with personal data: the disabled pack would add a clock.
    const reporter = await createActor(runtime, { role: 'reporter' });
    const refs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const created = await call<{ ref: string }>(runtime.url, 'POST', '/api/v1/incidents', {
        key: reporter.key,
        body: reportBody({ personalDataInvolved: true, regimes: ['PCPD'], indicators: [uniqueIndicator()] }),
      });
      expect(created.status, created.text).to.equal(201);
      refs.push(created.body.ref);
    }

    const page = await adminAt('/console/admin/policy');
    await expectAccessible(page);
    const version = runtime.modules.intake.triage.activePolicy.version;
    expect(await page.locator('main').textContent()).to.include(version);
    await page.getByRole('link', { name: 'Run the test cases' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Policy test cases');
    expect(await page.getByRole('status').textContent()).to.match(
      /^\d+ of \d+ test cases passed, 0 failed\.$/,
    );
    expect(await page.getByRole('row').count()).to.be.greaterThan(10);
    await expectAccessible(page);
    await screenshot(page, 'admin-policy-tests-en');

    // A broken candidate file is refused with what is wrong, nothing typed lost.
    await page.goto(`${runtime.url}/console/admin/policy`);
    await page.getByLabel('Candidate pack file').selectOption('packs/nis2/pack.yaml');
    await page.getByLabel('Pack file contents (YAML)').fill('pack: { id: nis2');
    await page.getByRole('button', { name: 'Simulate' }).click();
    expect(await page.getByRole('alert').textContent()).to.include('packs/nis2/pack.yaml');
    expect(await page.getByLabel('Pack file contents (YAML)').inputValue()).to.equal('pack: { id: nis2');
    await expectAccessible(page);

    // A file chosen from disk is read into the contents box by the page's script.
    await page.goto(`${runtime.url}/console/admin/policy`);
    await page.getByLabel('Pack file to read').setInputFiles({
      name: 'pack.yaml',
      mimeType: 'text/yaml',
      buffer: Buffer.from('pack:\n  id: nis2\n'),
    });
    const box = page.getByLabel('Pack file contents (YAML)');
    for (let i = 0; i < 100 && (await box.inputValue()) === ''; i++) await page.waitForTimeout(50);
    expect(await box.inputValue()).to.equal('pack:\n  id: nis2\n');

    await page.goto(`${runtime.url}/console/admin/policy`);
    await page.getByLabel('pcpd-mandatory (PCPD)').check();
    await page.getByLabel('Past incidents to evaluate').selectOption('100');
    await page.getByRole('button', { name: 'Simulate' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Policy simulation');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).to.include('Enabled in the candidate: pcpd-mandatory');
    expect(main).to.include('Every stored incident was evaluated.');
    for (const ref of refs) expect(main).to.include(ref);
    expect(main).to.include('clocks[pcpd-mandatory.breach-notification]');
    expect(main).to.include('dueAt "');
    await expectAccessible(page);
    await screenshot(page, 'admin-policy-simulation-en');
  });

  it('when an admin edits a bureau, then its name and regimes change through the service', async () => {
    const code = bureauCode();
    await ensureBureau(runtime, code);
    const page = await adminAt('/console/admin/bureaux');
    await page.getByRole('link', { name: `Edit ${code}` }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(`Edit bureau ${code}`);
    await expectAccessible(page);
    await page.getByLabel('HK-GOV').uncheck();
    await page.getByRole('button', { name: 'Save bureau' }).click();
    expect(await page.getByRole('alert').textContent()).to.include('This field is required.');
    await page.getByLabel('Name', { exact: true }).fill('Renamed Test Bureau');
    await page.getByLabel('HK-GOV').check();
    await page.getByLabel('HK-CI').check();
    await page.getByRole('button', { name: 'Save bureau' }).click();
    await page.waitForURL(`${runtime.url}/console/admin/bureaux`);
    expect(await page.getByRole('status').textContent()).to.include(`Bureau ${code} saved.`);
    const bureau = await runtime.modules.auth.bureaux.requireBureau(code);
    expect(bureau.name).to.equal('Renamed Test Bureau');
    expect(bureau.regimes).to.have.members(['HK-GOV', 'HK-CI']);
  });

  it('when an admin opens the queue dashboard, then Bull Board shows the queues without CSP refusals; a responder gets the 403 page', async () => {
    const page = await browser.freshPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${runtime.url}/console/admin/queues`);
    await signIn(page, admin.email, admin.password);
    await page.waitForURL(`${runtime.url}/console/admin/queues`);
    const answer = await page.goto(`${runtime.url}/console/admin/queues`);
    expect(answer?.status()).to.equal(200);
    await page.getByText('triage', { exact: true }).first().waitFor({ timeout: 15_000 });
    // Only the Google Fonts stylesheet its page links is refused: the console loads nothing from elsewhere.
    expect(refused.filter((text) => !text.includes('https://fonts.googleapis.com/'))).to.deep.equal([]);
    await screenshot(page, 'admin-queues-en');
    // Read-only: the dashboard's changing calls are not routed.
    const clean = await page.evaluate(async () => {
      const r = await fetch('/console/admin/queues/api/queues/triage/clean/failed', { method: 'PUT' });
      return r.status;
    });
    expect(clean).to.equal(404);

    const responder = await createPerson(runtime, 'responder');
    const other = await browser.freshPage();
    await other.goto(`${runtime.url}/console/login`);
    await signIn(other, responder.email, responder.password);
    await other.waitForURL(`${runtime.url}/console`);
    for (const path of [
      '/console/admin/queues',
      '/console/admin/queues/api/queues',
      '/console/admin/keys',
      '/console/admin/lists',
      '/console/admin/policy',
    ]) {
      const refusedPage = await other.goto(`${runtime.url}${path}`);
      expect(refusedPage?.status(), path).to.equal(403);
    }
    await expectAccessible(other);
  });

  it('when an admin opens the pages in Chinese, then they are translated and accessible', async () => {
    const code = bureauCode();
    await ensureBureau(runtime, code);
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/login`);
    await page.getByLabel('Language').selectOption('zh-HK');
    await page.getByRole('button', { name: 'Change language' }).click();
    await page.getByLabel('電郵地址').fill(admin.email);
    await page.getByLabel('密碼').fill(admin.password);
    await page.getByRole('button', { name: '登入', exact: true }).click();
    await page.waitForURL(`${runtime.url}/console`);
    for (const [path, heading, name] of [
      ['/console/admin/keys', 'API 密鑰', 'keys'],
      ['/console/admin/lists', '收件人名單', 'lists'],
      ['/console/admin/policy', '政策包', 'policy'],
      ['/console/admin/policy/tests', '政策測試個案', 'policy-tests'],
      [`/console/admin/bureaux/${code}/edit`, `編輯決策局／部門 ${code}`, 'bureau-edit'],
    ]) {
      await page.goto(`${runtime.url}${path}`);
      expect(await page.getByRole('heading', { level: 1 }).textContent(), path).to.equal(heading);
      await expectAccessible(page);
      await screenshot(page, `admin-${name}-zh-HK`);
    }
  });
});
