import { expect } from 'chai';
import { uniqueName } from '../helpers/services.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { bureauCode, createPerson, signIn } from './console-fixture.js';

describe('admin pages (browser)', function () {
  this.timeout(180_000);
  let runtime: TestRuntime;
  let browser: TestBrowser;

  before(async () => {
    runtime = await startTestRuntime('e2eadmin', { CONSOLE_TOTP_REQUIRED: 'false' });
    browser = await startBrowser();
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
  });

  it('when an admin creates a bureau and a reporter of it, then the reporter sets a password with the link and signs in', async () => {
    const admin = await createPerson(runtime, 'admin');
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/admin/bureaux`);
    await signIn(page, admin.email, admin.password);
    await page.waitForURL(`${runtime.url}/console/admin/bureaux`);
    await expectAccessible(page);

    // No regime ticked: the field says so and nothing typed is lost.
    const code = bureauCode();
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByLabel('Name', { exact: true }).fill('Admin Page Bureau');
    await page.getByRole('button', { name: 'Create' }).click();
    expect(await page.getByRole('alert').textContent()).to.include('This field is required.');
    expect(await page.getByLabel('Code', { exact: true }).inputValue()).to.equal(code);
    await page.getByLabel('HK-GOV').check();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(`${runtime.url}/console/admin/bureaux`);
    expect(await page.getByRole('status').textContent()).to.include(`Bureau ${code} created.`);
    expect(await page.getByRole('table').textContent()).to.include('Admin Page Bureau');
    expect((await runtime.modules.auth.bureaux.getBureau(code))?.regimes).to.deep.equal(['HK-GOV']);
    await screenshot(page, 'admin-bureaux-en');

    await page.goto(`${runtime.url}/console/admin/users`);
    await expectAccessible(page);
    const name = uniqueName('newcomer');
    const email = `${name}@test.govcert.example`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Role').selectOption('reporter');
    await page.getByLabel('Bureau').selectOption(code);
    await page.getByRole('button', { name: 'Create' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('User created');
    await expectAccessible(page);
    await screenshot(page, 'admin-user-created-en');
    const link = await page
      .getByRole('link', { name: /\/console\/password\/set\?token=/ })
      .getAttribute('href');

    const newcomer = await browser.freshPage();
    await newcomer.goto(`${runtime.url}${String(link)}`);
    const password = 'a long first pass phrase';
    await newcomer.getByLabel('New password', { exact: true }).fill(password);
    await newcomer.getByLabel('New password again').fill(password);
    await newcomer.getByRole('button', { name: 'Set password' }).click();
    await newcomer.waitForURL(`${runtime.url}/console/login`);
    await signIn(newcomer, email, password);
    await newcomer.waitForURL(`${runtime.url}/console`);
    expect(await newcomer.getByRole('heading', { level: 1 }).textContent()).to.include(name);
    expect(await newcomer.locator('main').textContent()).to.include(code);
  });

  it('when an admin disables a signed-in user and later resets their sign-in, then the user is signed out and gets a new link', async () => {
    const admin = await createPerson(runtime, 'admin');
    const responder = await createPerson(runtime, 'responder');
    // One browser profile: each person's session cookie is swapped in when they act.
    const { context } = browser;
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/login`);
    await signIn(page, responder.email, responder.password);
    await page.waitForURL(`${runtime.url}/console`);
    const responderCookies = await context.cookies();
    await context.clearCookies();
    await page.goto(`${runtime.url}/console/admin/users`);
    await signIn(page, admin.email, admin.password);
    await page.waitForURL(`${runtime.url}/console/admin/users`);
    await page.getByRole('button', { name: `Disable ${responder.name}` }).click();
    await page.waitForURL(`${runtime.url}/console/admin/users`);
    expect(await page.getByRole('status').textContent()).to.include(`${responder.name} is disabled`);
    await expectAccessible(page);
    await screenshot(page, 'admin-users-en');
    const adminCookies = await context.cookies();

    await context.clearCookies();
    await context.addCookies(responderCookies);
    await page.goto(`${runtime.url}/console`);
    expect(new URL(page.url()).pathname).to.equal('/console/login');

    await context.clearCookies();
    await context.addCookies(adminCookies);
    await page.goto(`${runtime.url}/console/admin/users`);
    await page.getByRole('button', { name: `Enable ${responder.name}` }).click();
    await page.waitForURL(`${runtime.url}/console/admin/users`);
    await page.getByLabel(`Also reset the second factor of ${responder.name} (lost phone)`).check();
    await page.getByRole('button', { name: `Reset sign-in of ${responder.name}` }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Sign-in reset');
    expect(await page.getByRole('link', { name: /\/console\/password\/set\?token=/ }).count()).to.equal(1);
    await expectAccessible(page);

    const fresh = await browser.freshPage();
    await fresh.goto(`${runtime.url}/console/login`);
    await signIn(fresh, responder.email, responder.password);
    expect(await fresh.getByRole('alert').textContent()).to.include('Sign-in refused');
  });

  it('when an admin opens the pages in Chinese, then they are translated and accessible', async () => {
    const admin = await createPerson(runtime, 'admin');
    const page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/login`);
    await page.getByLabel('Language').selectOption('zh-HK');
    await page.getByRole('button', { name: 'Change language' }).click();
    await page.getByLabel('電郵地址').fill(admin.email);
    await page.getByLabel('密碼').fill(admin.password);
    await page.getByRole('button', { name: '登入', exact: true }).click();
    await page.waitForURL(`${runtime.url}/console`);
    for (const [path, heading] of [
      ['/console/admin/bureaux', '決策局／部門'],
      ['/console/admin/users', '用戶'],
    ]) {
      await page.goto(`${runtime.url}${path}`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(heading);
      await expectAccessible(page);
    }
    await screenshot(page, 'admin-users-zh-HK');
  });

  it('when an auditor or a responder opens the admin pages, then they get the 403 page', async () => {
    for (const role of ['auditor', 'responder'] as const) {
      const person = await createPerson(runtime, role);
      const page = await browser.freshPage();
      await page.goto(`${runtime.url}/console/login`);
      await signIn(page, person.email, person.password);
      await page.waitForURL(`${runtime.url}/console`);
      for (const path of ['/console/admin/bureaux', '/console/admin/users']) {
        const answer = await page.goto(`${runtime.url}${path}`);
        expect(answer?.status(), `${path} for ${role}`).to.equal(403);
      }
    }
  });
});
