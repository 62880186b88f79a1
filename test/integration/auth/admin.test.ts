import { expect } from 'chai';
import { seedDemo } from '../../../src/auth/demo-seed.js';
import { systemActor } from '../../../src/auth/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';

interface Pending {
  pendingAudit?: Array<{ action: string; actor: { userId: string } }>;
}

describe('Administration of bureaux, users and keys', () => {
  let runtime: TestRuntime;
  let admin: TestActor;
  const code = `A${uniqueName('X').slice(2, 8).toUpperCase()}`;

  /**
   * Actions audited for one document: those still in its outbox (written in the same update as the
   * change) plus those the relay already chained. Read in that order: the relay appends before it
   * pulls, so an event is always in at least one of the two places.
   */
  async function audited(
    collection: string,
    filter: Record<string, unknown>,
    subject: string,
  ): Promise<string[]> {
    const doc = await runtime.platform.db.collection<Pending>(collection).findOne(filter);
    const pending = (doc?.pendingAudit ?? []).map((draft) => draft.action);
    const chained = await call<{ events: Array<{ action: string }> }>(
      runtime.url,
      'GET',
      `/api/v1/audit/events?subjectId=${encodeURIComponent(subject)}`,
      { key: admin.key },
    );
    return [...new Set([...pending, ...chained.body.events.map((event) => event.action)])];
  }

  before(async () => {
    runtime = await startTestRuntime('admin', { DEMO_MODE: 'true' });
    admin = await createActor(runtime, { role: 'admin' });
  });

  after(async () => {
    await runtime.stop();
  });

  it('when an admin creates a bureau, user and key, then the key works and carries the user role and bureau', async () => {
    const bureau = await call(runtime.url, 'POST', '/api/v1/admin/bureaux', {
      key: admin.key,
      body: {
        code,
        name: 'Test Department',
        regimes: ['HK-GOV', 'HK-CI'],
        contacts: [{ name: 'ITSO', email: 'itso@test.example', role: 'ITSO' }],
      },
    });
    expect(bureau.status).to.equal(201);
    expect(await runtime.modules.auth.bureaux.getBureau(code)).to.include({ code, name: 'Test Department' });

    const user = await call<{ id: string }>(runtime.url, 'POST', '/api/v1/admin/users', {
      key: admin.key,
      body: { name: 'Reporter', email: `${code}@test.example`, role: 'reporter', bureauId: code },
    });
    expect(user.status).to.equal(201);
    const issued = await call<{ key: string; keyId: string; secretHash?: unknown }>(
      runtime.url,
      'POST',
      '/api/v1/admin/keys',
      {
        key: admin.key,
        body: { userId: user.body.id, label: 'integration' },
      },
    );
    expect(issued.status).to.equal(201);
    expect(issued.headers.get('cache-control')).to.equal('no-store');
    expect(issued.body).not.to.have.property('secretHash');

    const me = await call<{ user: { role: string; bureauId: string } }>(runtime.url, 'GET', '/api/v1/me', {
      key: issued.body.key,
    });
    expect(me.body.user).to.include({ role: 'reporter', bureauId: code });

    const listed = await call<{ items: Array<Record<string, unknown>> }>(
      runtime.url,
      'GET',
      `/api/v1/admin/keys?userId=${user.body.id}`,
      {
        key: admin.key,
      },
    );
    expect(listed.body.items).to.have.length(1);
    expect(JSON.stringify(listed.body)).not.to.include(issued.body.key.slice(17, 49));
    expect(listed.body.items[0]).not.to.have.property('secretHash');

    expect(await audited('bureaux', { code }, code)).to.deep.equal(['bureau.created']);
    const email = `${code.toLowerCase()}@test.example`;
    expect(await audited('users', { email }, user.body.id)).to.deep.equal(['user.created']);
    const keyId = issued.body.keyId;
    expect(await audited('api_keys', { keyId }, keyId)).to.deep.equal(['apikey.created']);
  });

  it('when a key is revoked, then it stops working at once and the revocation is audited', async () => {
    const victim = await createActor(runtime, { role: 'responder' });
    const revoked = await call(runtime.url, 'POST', `/api/v1/admin/keys/${victim.actor.keyId ?? ''}/revoke`, {
      key: admin.key,
    });
    expect(revoked.status).to.equal(200);
    expect((await call(runtime.url, 'GET', '/api/v1/me', { key: victim.key })).status).to.equal(401);
    const keyId = victim.actor.keyId ?? '';
    expect(await audited('api_keys', { keyId }, keyId)).to.include.members([
      'apikey.created',
      'apikey.revoked',
    ]);
  });

  const invalid: Array<[string, string, Record<string, unknown>, number, string]> = [
    [
      'a reporter without a bureau',
      '/api/v1/admin/users',
      { name: 'x', email: 'nobureau@test.example', role: 'reporter' },
      422,
      'body.bureauId',
    ],
    [
      'a user of an unknown bureau',
      '/api/v1/admin/users',
      { name: 'x', email: 'ghost@test.example', role: 'responder', bureauId: 'NOPE' },
      422,
      'body.bureauId',
    ],
    [
      'an unknown role',
      '/api/v1/admin/users',
      { name: 'x', email: 'root@test.example', role: 'root' },
      422,
      'body.role',
    ],
    [
      'a key for a missing user',
      '/api/v1/admin/keys',
      { userId: '0123456789abcdef01234567', label: 'x' },
      422,
      'body.userId',
    ],
    [
      'a key that never expires',
      '/api/v1/admin/keys',
      { userId: '0123456789abcdef01234567', label: 'x', expiresInDays: 100000 },
      422,
      'body.expiresInDays',
    ],
    [
      'a lower-case bureau code',
      '/api/v1/admin/bureaux',
      { code: 'dh', name: 'Health', regimes: ['HK-GOV'] },
      422,
      'body.code',
    ],
  ];
  for (const [name, path, body, status, field] of invalid) {
    it(`when an admin submits ${name}, then it is ${status} naming ${field}`, async () => {
      const answer = await call<{ error: { details: Array<{ path: string }> } }>(runtime.url, 'POST', path, {
        key: admin.key,
        body,
      });
      expect(answer.status).to.equal(status);
      expect(answer.body.error.details.map((d) => d.path)).to.include(field);
    });
  }

  it('when a bureau code is taken, then it is 409', async () => {
    const answer = await call<{ error: { code: string } }>(runtime.url, 'POST', '/api/v1/admin/bureaux', {
      key: admin.key,
      body: { code: 'DH', name: 'Again', regimes: ['HK-GOV'] },
    });
    expect(answer.status).to.equal(409);
    expect(answer.body.error.code).to.equal('bureau_exists');
  });

  it('when demo mode starts, then two bureaux and six users exist, each with a working key', async () => {
    const credentials = runtime.modules.demoCredentials;
    expect(credentials.map((c) => c.role)).to.have.members([
      'reporter',
      'reporter',
      'responder',
      'lead',
      'auditor',
      'admin',
    ]);
    expect((await runtime.modules.auth.bureaux.getBureau('WSD'))?.regimes).to.deep.equal(['HK-GOV', 'HK-CI']);
    // "My organisation" shows each demo bureau complete: two round-the-clock contacts, confirmed.
    for (const code of ['DH', 'WSD']) {
      const bureau = await runtime.modules.auth.bureaux.requireBureau(code);
      expect(
        bureau.contacts.filter((c) => c.roundTheClock && c.phone),
        code,
      ).to.have.length(2);
      expect(bureau.contactsConfirmedAt, code).to.be.instanceOf(Date);
      expect(bureau.contactsConfirmedBy?.name, code).to.match(/^Demo Reporter/);
    }
    for (const credential of credentials) {
      expect((await call(runtime.url, 'GET', '/api/v1/me', { key: credential.key })).status).to.equal(200);
    }
  });

  it('when the demo seed runs again, then nothing is duplicated and only the fresh demo keys work', async () => {
    const before = runtime.modules.demoCredentials;
    const usersBefore = (await runtime.modules.auth.users.list()).length;
    const again = await seedDemo(runtime.modules.auth, systemActor('test'));
    expect((await runtime.modules.auth.users.list()).length).to.equal(usersBefore);
    expect((await runtime.modules.auth.bureaux.list()).filter((b) => b.code === 'DH')).to.have.length(1);
    expect((await call(runtime.url, 'GET', '/api/v1/me', { key: before[0]?.key ?? '' })).status).to.equal(
      401,
    );
    expect((await call(runtime.url, 'GET', '/api/v1/me', { key: again[0]?.key ?? '' })).status).to.equal(200);
  });
});
