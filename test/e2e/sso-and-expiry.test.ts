import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Provider from 'oidc-provider';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { createActor, type TestActor } from '../helpers/actors.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { expectAccessible, screenshot, startBrowser, type TestBrowser } from './browser.js';
import { auditEventsAbout, bureauCode, createPerson, ensureBureau, signIn } from './console-fixture.js';

/** Claims the test identity provider gives each login (any password is accepted: its dev login form). */
const identities = new Map<string, Record<string, unknown>>();

/** A real OpenID provider (oidc-provider) on a free loopback port, in this process. */
async function startIdentityProvider(): Promise<{
  issuer: string;
  server: Server;
  configure(redirectUri: string, secret: string): void;
}> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    issuer,
    server,
    configure(redirectUri, secret) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: 'govcert-console',
            client_secret: secret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_post',
          },
        ],
        findAccount: (_ctx, id) => {
          const claims = identities.get(id);
          return claims ? { accountId: id, claims: () => ({ sub: id, ...claims }) } : undefined;
        },
        claims: {
          openid: ['sub'],
          email: ['email', 'email_verified'],
          profile: ['name', 'groups', 'bureau'],
        },
        // The ID token carries the claims (the console reads no userinfo endpoint).
        conformIdTokenClaims: false,
        cookies: { keys: [randomBytes(16).toString('hex')] },
        features: { devInteractions: { enabled: true } },
      });
      handler = provider.callback();
    },
  };
}

describe('console single sign-on, required second factor and session expiry (browser)', function () {
  this.timeout(120_000);
  let runtime: TestRuntime;
  let idp: Awaited<ReturnType<typeof startIdentityProvider>>;
  let browser: TestBrowser;
  let page: Page;
  let auditor: TestActor;
  const bureau = bureauCode();

  before(async () => {
    idp = await startIdentityProvider();
    const secret = randomBytes(24).toString('hex');
    runtime = await startTestRuntime('e2esso', {
      OIDC_ISSUER_URL: idp.issuer,
      OIDC_CLIENT_ID: 'govcert-console',
      OIDC_CLIENT_SECRET: secret,
      OIDC_ROLE_MAP: JSON.stringify({ 'cert-responders': 'responder', 'bureau-it': 'reporter' }),
      CONSOLE_TOTP_REQUIRED: 'true',
      SESSION_IDLE_MINUTES: '0.25',
    });
    idp.configure(`${runtime.url}/console/login/oidc/callback`, secret);
    await ensureBureau(runtime, bureau);
    browser = await startBrowser();
    auditor = await createActor(runtime, { role: 'auditor' });
  });
  after(async () => {
    await browser.close();
    await runtime.stop();
    idp.server.closeAllConnections();
    idp.server.close();
  });
  beforeEach(async () => {
    page = await browser.freshPage();
  });

  async function ssoSignIn(login: string): Promise<void> {
    await page.goto(`${runtime.url}/console/login`);
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    // The provider asks for consent to share the claims once per client.
    await page.locator('button[type="submit"]').click();
  }

  it('when a bureau member signs in through single sign-on, then they are created as a reporter of the bureau their claims name', async () => {
    const login = `sso-${randomBytes(4).toString('hex')}`;
    const email = `${login}@bureau.example`;
    identities.set(login, {
      email,
      email_verified: true,
      name: 'Wong Siu Ming',
      groups: ['bureau-it'],
      bureau,
    });
    await ssoSignIn(login);
    await page.waitForURL(`${runtime.url}/console`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.include('Wong Siu Ming');
    expect(await page.locator('main').textContent()).to.include(`Bureau: Test bureau ${bureau} (${bureau})`);
    await screenshot(page, 'home-sso-reporter-en');
    const user = await runtime.modules.auth.users.findByEmail(email);
    expect(user?.role).to.equal('reporter');
    expect(user?.bureauId).to.equal(bureau);
    const events = await auditEventsAbout(runtime, auditor.key, 'auth.signin', user?.id ?? '');
    expect(events[0].data.method).to.equal('oidc');
  });

  it('when single sign-on claims map to no role here, then sign-in is refused with the reason', async () => {
    const login = `sso-${randomBytes(4).toString('hex')}`;
    identities.set(login, {
      email: `${login}@cert.example`,
      email_verified: true,
      name: 'No Role',
      groups: ['finance'],
    });
    await ssoSignIn(login);
    await page.waitForURL(/\/console\/login\/oidc\/callback/);
    expect(await page.getByRole('alert').textContent()).to.include('give you no role');
    await expectAccessible(page);
    expect(await runtime.modules.auth.users.findByEmail(`${login}@cert.example`)).to.equal(null);
  });

  it('when two-step verification is required and not yet set up, then the first sign-in sets it up before letting the person in', async () => {
    const person = await createPerson(runtime, 'lead');
    await page.goto(`${runtime.url}/console/login`);
    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console/login/enrol`);
    expect(await page.locator('main').textContent()).to.include('requires a second step');
    await expectAccessible(page);
    await page.goto(`${runtime.url}/console`);
    expect(new URL(page.url()).pathname).to.equal('/console/login');
    await page.goto(`${runtime.url}/console/login/enrol`);
    const secret = (await page.locator('.secret').textContent())?.replace(/\s/g, '') ?? '';
    await page.getByLabel('Code from the app').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    expect(await page.locator('.codes code').count()).to.equal(10);
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.waitForURL(`${runtime.url}/console`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console/login/second-factor`);
  });

  it('when a signed-in person is idle past the limit, then the next page asks them to sign in again and says why', async () => {
    const person = await createPerson(runtime, 'auditor');
    const account = runtime.modules.accounts.accounts;
    // Enrolled already (TOTP is required in this runtime): the second step takes a recovery code.
    const enrolment = await account.beginTotp({ ...person, role: 'auditor', active: true });
    const [recovery] = await account.confirmTotp(
      { ...person, role: 'auditor', active: true },
      enrolment.secret,
      await generate({ secret: enrolment.secret }),
      { ip: '127.0.0.1', userAgent: null },
    );
    await page.goto(`${runtime.url}/console/login`);
    await signIn(page, person.email, person.password);
    await page.waitForURL(`${runtime.url}/console/login/second-factor`);
    await page.getByLabel('Code').fill(recovery);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${runtime.url}/console`);
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    await page.goto(`${runtime.url}/console/account`);
    expect(new URL(page.url()).pathname).to.equal('/console/login');
    expect(await page.getByRole('status').first().textContent()).to.include('without activity');
    await expectAccessible(page);
    await screenshot(page, 'session-expired-en');
    const ended = await auditEventsAbout(runtime, auditor.key, 'auth.session.ended', person.id);
    expect(ended[0].data.reason).to.equal('idle');
  });
});
