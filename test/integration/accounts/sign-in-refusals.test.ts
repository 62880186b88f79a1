import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { auditEventsAbout } from '../../e2e/console-fixture.js';

/** A browser-less visitor of the sign-in page: its session cookie and CSRF token, from one address. */
async function visitor(base: string, ip: string): Promise<(email: string) => Promise<number>> {
  const page = await fetch(`${base}/console/login`, { headers: { 'x-forwarded-for': ip } });
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return async (email) => {
    const answer = await fetch(`${base}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'x-forwarded-for': ip, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, email, password: 'guess-guess-guess' }).toString(),
    });
    return answer.status;
  };
}

describe('console sign-in refusals in the audit trail', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let auditor: TestActor;

  before(async () => {
    runtime = await startTestRuntime('signinrefusals', { TRUST_PROXY_HOPS: '1' });
    auditor = await createActor(runtime, { role: 'auditor' });
  });
  after(async () => {
    await runtime.stop();
  });

  it('when one address tries unknown emails again and again, then one event is written and the rest are counted', async () => {
    const attempt = await visitor(runtime.url, '10.77.0.9');
    for (const email of ['a@x.example', 'b@x.example', 'c@x.example']) {
      expect(await attempt(email)).to.equal(401);
    }
    const recorded = await auditEventsAbout(runtime, auditor.key, 'auth.signin.failed', 'ip:10.77.0.9');
    expect(recorded).to.have.length(1);
    expect(recorded[0].data).to.include({ reason: 'unknown_user', email: 'a@x.example', suppressed: 0 });
    await runtime.modules.accounts.signIn.flushSuppressed(true);
    const summary = await auditEventsAbout(
      runtime,
      auditor.key,
      'auth.signin.failed.suppressed',
      'ip:10.77.0.9',
    );
    expect(summary[0].data.suppressed).to.equal(2);
  });
});
