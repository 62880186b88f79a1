import { expect } from 'chai';
import { formatKey } from '../../../src/auth/api-key.format.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

interface AuditEventView {
  action: string;
  subject: { type: string; id: string };
  actor: { userId: string; keyId: string | null };
  data: { reason?: string; suppressed?: number; permission?: string };
}

describe('Audit of failed authentications and refused authorisations', () => {
  let runtime: TestRuntime;
  let auditor: TestActor;

  async function events(action: string): Promise<AuditEventView[]> {
    const answer = await call<{ events: AuditEventView[] }>(
      runtime.url,
      'GET',
      `/api/v1/audit/events?action=${action}&limit=500`,
      {
        key: auditor.key,
      },
    );
    expect(answer.status).to.equal(200);
    return answer.body.events;
  }

  before(async () => {
    // One proxy hop trusted: each test poses as its own client with X-Forwarded-For.
    runtime = await startTestRuntime('authaudit', { TRUST_PROXY_HOPS: '1' });
    auditor = await createActor(runtime, { role: 'auditor' });
  });

  after(async () => {
    await runtime.stop();
  });

  it('when one forged key fails twenty times in a minute, then one event is recorded with its reason and no secret', async () => {
    const forged = formatKey('Zz9Zz9Zz9Zz9', 'S'.repeat(32));
    const client = { 'x-forwarded-for': '10.20.0.1' };
    for (let i = 0; i < 20; i += 1) {
      const answer = await call(runtime.url, 'GET', '/api/v1/me', { key: forged, headers: client });
      expect(answer.status).to.equal(401);
    }
    const recorded = (await events('auth.failed')).filter((event) => event.subject.id === 'ip:10.20.0.1');
    expect(recorded).to.have.length(1);
    expect(recorded[0]?.data).to.include({ reason: 'unknown', suppressed: 0 });
    expect(recorded[0]?.actor).to.include({ userId: 'anonymous', keyId: 'Zz9Zz9Zz9Zz9' });
    expect(JSON.stringify(recorded)).not.to.include('SSSSSSSS');
  });

  it('when one client fails with twenty fresh key ids in a minute, then one event is recorded', async () => {
    const client = { 'x-forwarded-for': '10.20.0.2' };
    for (let i = 0; i < 20; i += 1) {
      const forged = formatKey(`Fresh${String(i).padStart(7, '0')}`, 'S'.repeat(32));
      const answer = await call(runtime.url, 'GET', '/api/v1/me', { key: forged, headers: client });
      expect(answer.status).to.equal(401);
    }
    const recorded = (await events('auth.failed')).filter((event) => event.actor.keyId?.startsWith('Fresh'));
    expect(recorded).to.have.length(1);
    expect(recorded[0]?.subject.id).to.equal('ip:10.20.0.2');
  });

  it('when requests without a key fail, then the client IP is the throttled source', async () => {
    const client = { 'x-forwarded-for': '10.20.0.3' };
    for (let i = 0; i < 5; i += 1) await call(runtime.url, 'GET', '/api/v1/me', { headers: client });
    const recorded = (await events('auth.failed')).filter((event) => event.subject.id === 'ip:10.20.0.3');
    expect(recorded).to.have.length(1);
    expect(recorded[0]?.data.reason).to.equal('missing');
  });

  it('when a role is refused a route repeatedly, then one auth.forbidden event names the permission', async () => {
    const reporter = await createActor(runtime, { role: 'reporter' });
    for (let i = 0; i < 5; i += 1) {
      const answer = await call(runtime.url, 'GET', '/api/v1/admin/users', { key: reporter.key });
      expect(answer.status).to.equal(403);
    }
    const recorded = (await events('auth.forbidden')).filter(
      (event) => event.actor.userId === reporter.userId,
    );
    expect(recorded).to.have.length(1);
    expect(recorded[0]?.data).to.include({ permission: 'admin.users', suppressed: 0 });
  });

  it('when a key is used many times, then last-used is written once, not per request', async () => {
    const responder = await createActor(runtime, { role: 'responder' });
    const first = await call(runtime.url, 'GET', '/api/v1/me', { key: responder.key });
    expect(first.status).to.equal(200);
    // Written after the answer, off the request's path: wait for it to land.
    let lastUsed: Date | null | undefined;
    for (let i = 0; i < 100 && !lastUsed; i += 1) {
      const [key] = await runtime.modules.auth.keys.list({ userId: responder.userId });
      lastUsed = key.lastUsedAt;
      if (!lastUsed) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lastUsed).to.be.instanceOf(Date);
    for (let i = 0; i < 5; i += 1) await call(runtime.url, 'GET', '/api/v1/me', { key: responder.key });
    const [again] = await runtime.modules.auth.keys.list({ userId: responder.userId });
    expect(again.lastUsedAt?.getTime()).to.equal(lastUsed?.getTime());
  });
});
