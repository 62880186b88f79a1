import { expect } from 'chai';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { createActor, type TestActor } from '../helpers/actors.js';
import { call } from '../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { reportBody } from '../factories/incident.factory.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { auditEventsAbout, bureauCode, createPerson, signIn } from './console-fixture.js';

describe('console sign-in (browser)', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let browser: TestBrowser;
  let page: Page;
  let auditor: TestActor;

  before(async () => {
    runtime = await startTestRuntime('e2esignin', {
      CONSOLE_TOTP_REQUIRED: 'false',
      CONSOLE_LOCKOUT_ATTEMPTS: '3',
    });
    browser = await startBrowser();
    auditor = await createActor(runtime, { role: 'auditor' });
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
  });
  beforeEach(async () => {
    page = await browser.freshPage();
  });

  const path = (): string => new URL(page.url()).pathname;

  it('when a person signs in with their password, then the home page greets them and is accessible', async () => {
    const person = await createPerson(runtime, 'responder');
    await page.goto(`${runtime.url}/`);
    expect(path()).to.equal('/console/login');
    await expectAccessible(page);
    await screenshot(page, 'sign-in-en');
    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.include(person.name);
    await expectAccessible(page);
    await screenshot(page, 'home-en');
    const events = await auditEventsAbout(runtime, auditor.key, 'auth.signin', person.id);
    expect(events[0].data.method).to.equal('password');
  });

  it('when a person signs out, then the console needs a new sign-in and the sign-out is audited', async () => {
    const person = await createPerson(runtime, 'lead');
    await page.goto(`${runtime.url}/console/login`);
    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/login\?signed-out/);
    expect(await page.getByRole('status').first().textContent()).to.include('You are signed out.');
    await page.goto(`${runtime.url}/console`);
    expect(path()).to.equal('/console/login');
    expect(await auditEventsAbout(runtime, auditor.key, 'auth.signout', person.id)).to.have.length(1);
  });

  it('when a signed-out reporter opens a mail link to their incident, then it opens after sign-in', async () => {
    const bureau = bureauCode();
    const reporter = await createPerson(runtime, 'reporter', bureau);
    const system = await createActor(runtime, { role: 'reporter', bureauId: bureau });
    const filed = await call<{ id: string; ref: string }>(runtime.url, 'POST', '/api/v1/incidents', {
      key: system.key,
      body: reportBody(),
    });
    expect(filed.status).to.equal(201);
    const link = `${runtime.modules.publicUrl.get()}/console/incidents/${filed.body.id}`;
    await page.goto(link);
    expect(path()).to.equal('/console/login');
    await signIn(page, reporter.email, reporter.password);
    // A reporter's view of the incident is the bureau portal's page.
    await page.waitForURL(`${runtime.modules.publicUrl.get()}/console/my-incidents/${filed.body.id}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.include(filed.body.ref);
    await expectAccessible(page);
    await screenshot(page, 'incident-en');
  });

  it('when a password is wrong as many times as the limit, then the account locks and even the right password is refused', async () => {
    const person = await createPerson(runtime, 'responder');
    await page.goto(`${runtime.url}/console/login`);
    for (let attempt = 0; attempt < 3; attempt++) {
      await signIn(page, person.email, 'not-the-password');
      expect(await page.getByRole('alert').textContent()).to.include('Sign-in refused');
    }
    await signIn(page, person.email, person.password);
    expect(path()).to.equal('/console/login');
    expect(await page.getByRole('alert').textContent()).to.include('Sign-in refused');
    await expectAccessible(page);
    await screenshot(page, 'sign-in-refused-en');
    expect(await auditEventsAbout(runtime, auditor.key, 'auth.lockout', person.id)).to.have.length(1);
    // Each wrong password is an event; refusals while locked are audited once per address and minute.
    const failures = await auditEventsAbout(runtime, auditor.key, 'auth.signin.failed', person.id, 3);
    expect(failures.filter((event) => event.data.reason === 'wrong_password')).to.have.length(3);
  });

  it('when a form is sent with a wrong CSRF token, then it is refused with a 403 page and nothing changes', async () => {
    const person = await createPerson(runtime, 'responder');
    await page.goto(`${runtime.url}/console/login`);
    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console`);
    // As a forged form would: the session cookie goes along, the token is not the session's.
    await page.evaluate(
      `document.querySelectorAll('input[name="_csrf"]').forEach((input) => { input.value = 'forged'; })`,
    );
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/console/logout')),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    expect(answer.status()).to.equal(403);
    expect(await page.locator('main').textContent()).to.include('The form expired or came from another site');
    await expectAccessible(page);
    await screenshot(page, 'csrf-refused-en');
    // Still signed in: the forged sign-out did nothing.
    await page.goto(`${runtime.url}/console`);
    expect(path()).to.equal('/console');
    // A cross-site post carries no token at all: refused the same way.
    const bare = await page.request.post(`${runtime.url}/console/logout`, { form: {}, maxRedirects: 0 });
    expect(bare.status()).to.equal(403);
  });

  it('when a person switches to Chinese, then every page is in Traditional Chinese and the choice follows them to their next sign-in', async () => {
    const person = await createPerson(runtime, 'reporter', bureauCode());
    await page.goto(`${runtime.url}/console/login`);
    await page.getByLabel('Language').selectOption('zh-HK');
    await page.getByRole('button', { name: 'Change language' }).click();
    await page.waitForURL(`${runtime.url}/console/login`);
    expect(await page.locator('html').getAttribute('lang')).to.equal('zh-HK');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('登入');
    await expectAccessible(page);
    await screenshot(page, 'sign-in-zh-HK');
    await page.getByLabel('電郵地址').fill(person.email);
    await page.getByLabel('密碼').fill(person.password);
    await page.getByRole('button', { name: '登入', exact: true }).click();
    await page.waitForURL(`${runtime.url}/console`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.include('歡迎');
    await screenshot(page, 'home-zh-HK');
    // Chosen again while signed in: stored on the account, so a new browser session starts in Chinese.
    await page.getByLabel('語言').selectOption('zh-HK');
    await page.getByRole('button', { name: '轉換語言' }).click();
    await page.waitForURL(`${runtime.url}/console`);
    page = await browser.freshPage();
    await page.goto(`${runtime.url}/console/login`);
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console`);
    expect(await page.locator('html').getAttribute('lang')).to.equal('zh-HK');
    await page.goto(`${runtime.url}/console/account`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('帳戶安全');
    await expectAccessible(page);
    await screenshot(page, 'account-zh-HK');
  });

  it('when a person turns on two-step verification, then signing in asks for the code, and a recovery code works once', async () => {
    const person = await createPerson(runtime, 'responder');
    await page.goto(`${runtime.url}/console/login`);
    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console`);
    await page.goto(`${runtime.url}/console/account`);
    await page.getByRole('link', { name: 'Turn on two-step verification' }).click();
    await expectAccessible(page);
    await screenshot(page, 'totp-enrol-en');
    const secret = (await page.locator('.secret').textContent())?.replace(/\s/g, '') ?? '';
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    expect(await page.locator('#code-error').textContent()).to.include('That code does not match');
    await screenshot(page, 'totp-enrol-error-en');
    await page.getByLabel('Code from the app').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    const codes = await page.locator('.codes code').allTextContents();
    expect(codes).to.have.length(10);
    await expectAccessible(page);
    await screenshot(page, 'recovery-codes-en');
    await page.getByRole('button', { name: 'Sign out' }).click();

    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console/login/second-factor`);
    await expectAccessible(page);
    await screenshot(page, 'second-factor-en');
    await page.getByLabel('Code').fill(codes[0]);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${runtime.url}/console`);
    await page.getByRole('button', { name: 'Sign out' }).click();

    await signIn(page, person.email, person.password);
    await page.getByLabel('Code').fill(codes[0]);
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await page.locator('#code-error').textContent()).to.include('does not match');
    const methods = (await auditEventsAbout(runtime, auditor.key, 'auth.signin', person.id, 2)).map(
      (event) => event.data.method,
    );
    expect(methods).to.include('password+recovery-code');
    expect(await auditEventsAbout(runtime, auditor.key, 'auth.totp.enrolled', person.id)).to.have.length(1);
  });

  it('when an administrator disables a signed-in user, then their next request ends the session', async () => {
    const person = await createPerson(runtime, 'responder');
    await page.goto(`${runtime.url}/console/login`);
    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console`);
    const admin = await createActor(runtime, { role: 'admin' });
    await runtime.modules.auth.users.setDisabled(admin.actor, person.id, true);
    await page.goto(`${runtime.url}/console/account`);
    expect(path()).to.equal('/console/login');
    expect(await page.getByRole('status').first().textContent()).to.include('ended by an administrator');
    const ended = await auditEventsAbout(runtime, auditor.key, 'auth.session.ended', person.id);
    expect(ended[0].data.reason).to.equal('disabled');
    await signIn(page, person.email, person.password);
    expect(await page.getByRole('alert').textContent()).to.include('Sign-in refused');
  });

  it("when an administrator resets a person's sign-in, then their session ends and the link sets a new password once", async () => {
    const person = await createPerson(runtime, 'responder');
    await page.goto(`${runtime.url}/console/login`);
    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console`);
    const admin = await createActor(runtime, { role: 'admin' });
    const reset = await call<{ setPasswordUrl: string }>(
      runtime.url,
      'POST',
      `/api/v1/admin/users/${person.id}/sign-in-reset`,
      { key: admin.key, body: {} },
    );
    expect(reset.status).to.equal(200);
    await page.goto(`${runtime.url}/console`);
    expect(path()).to.equal('/console/login');

    await page.goto(reset.body.setPasswordUrl);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('different');
    await page.getByRole('button', { name: 'Set password' }).click();
    expect(await page.locator('#password-error').textContent()).to.include('at least 12');
    expect(await page.locator('#confirm-error').textContent()).to.include('differ');
    await expectAccessible(page);
    await screenshot(page, 'set-password-errors-en');
    const fresh = 'a long new pass phrase';
    await page.getByLabel('New password', { exact: true }).fill(fresh);
    await page.getByLabel('New password again').fill(fresh);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.waitForURL(`${runtime.url}/console/login`);
    await signIn(page, person.email, person.password);
    expect(await page.getByRole('alert').textContent()).to.include('Sign-in refused');
    await signIn(page, person.email, fresh);
    await page.waitForURL(`${runtime.url}/console`);
    await page.goto(reset.body.setPasswordUrl);
    expect(await page.locator('main').textContent()).to.include('This link no longer works');
  });

  it('when a page does not exist, or the role may not see it, then a 404 or 403 page answers', async () => {
    const admin = await createPerson(runtime, 'admin');
    await page.goto(`${runtime.url}/console/login`);
    await signIn(page, admin.email, admin.password);
    await page.waitForURL(`${runtime.url}/console`);
    const missing = await page.goto(`${runtime.url}/console/no-such-page`);
    expect(missing?.status()).to.equal(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Page not found');
    await expectAccessible(page);
    await screenshot(page, 'not-found-en');
    const forbidden = await page.goto(`${runtime.url}/console/incidents/${'a'.repeat(24)}`);
    expect(forbidden?.status()).to.equal(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Not allowed');
    const headers = forbidden?.headers() ?? {};
    expect(headers['content-security-policy']).to.include("frame-ancestors 'none'");
    expect(headers['content-security-policy']).to.include("script-src 'self'");
    expect(headers['content-security-policy']).not.to.include('unsafe-inline');
  });
});
