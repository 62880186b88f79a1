import { expect } from 'chai';
import { startRuntime } from '../../../src/runtime.js';
import { createLogger } from '../../../src/platform/index.js';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { LogCapture, startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';

interface AuditedEvent {
  action: string;
  changes?: Array<{ field: string; before: unknown; after: unknown }>;
}

interface Problems {
  error: { code: string; message: string; details: Array<{ path: string; message: string }> };
}

const freshCode = (): string => `L${uniqueName('X').slice(2, 9).toUpperCase()}`;

describe('Bureaux edited and deactivated, users disabled', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let admin: TestActor;

  /**
   * Events recorded for one subject: those still in its document's outbox (written with the change)
   * and those the relay already chained; the relay appends before it pulls, so none is missed.
   */
  async function audited(collection: string, filter: Record<string, unknown>, subject: string) {
    const doc = await runtime.platform.db
      .collection<{ pendingAudit?: AuditedEvent[] }>(collection)
      .findOne(filter);
    const chained = await call<{ events: AuditedEvent[] }>(
      runtime.url,
      'GET',
      `/api/v1/audit/events?subjectId=${encodeURIComponent(subject)}`,
      { key: admin.key },
    );
    const byAction = new Map<string, AuditedEvent>();
    for (const event of [...chained.body.events, ...(doc?.pendingAudit ?? [])])
      byAction.set(event.action, event);
    return byAction;
  }

  async function createBureau(code: string, regimes = ['HK-GOV']) {
    return call<Problems & { code: string }>(runtime.url, 'POST', '/api/v1/admin/bureaux', {
      key: admin.key,
      body: { code, name: `Bureau ${code}`, regimes, contacts: [] },
    });
  }

  const fileReport = (key: string) =>
    call<{ id: string } & Problems>(runtime.url, 'POST', '/api/v1/incidents', {
      key,
      body: reportBody({ indicators: [uniqueIndicator()] }),
    });

  before(async () => {
    runtime = await startTestRuntime('lifecycle');
    admin = await createActor(runtime, { role: 'admin' });
  });
  after(async () => {
    await runtime.stop();
  });

  it('when a bureau is created with a regime no policy pack implements, then it is 422 naming the field, the value and the known regimes', async () => {
    const code = freshCode();
    const answer = await createBureau(code, ['HK-GOV', 'HK-GOVV']);
    expect(answer.status).to.equal(422);
    const [problem] = answer.body.error.details;
    expect(problem.path).to.equal('body.regimes.1');
    expect(problem.message).to.contain('"HK-GOVV"').and.contain('HK-GOV, ').and.contain('HK-CI');
    expect(await runtime.modules.auth.bureaux.getBureau(code)).to.equal(null);
  });

  it('when a bureau stored with an unknown regime is edited, then its regimes, name and contacts are replaced and the edit is audited with before and after', async () => {
    const code = freshCode();
    // As bureaux were stored before regimes were checked (`HK-GOVV` was accepted then).
    await runtime.platform.db.collection('bureaux').insertOne({
      _id: code as never,
      code,
      name: 'Typo Department',
      regimes: ['HK-GOVV'],
      contacts: [],
      createdAt: new Date(),
      pendingAudit: [],
    });
    const wrong = await call<Problems>(runtime.url, 'PATCH', `/api/v1/admin/bureaux/${code}`, {
      key: admin.key,
      body: { regimes: ['HK-GOVX'] },
    });
    expect(wrong.status).to.equal(422);
    expect(wrong.body.error.details.map((d) => d.path)).to.deep.equal(['body.regimes.0']);

    const contacts = [{ name: 'Duty', email: 'duty@typo.example', role: 'ITSO' }];
    const edited = await call<{ name: string; regimes: string[]; contacts: unknown[]; active: boolean }>(
      runtime.url,
      'PATCH',
      `/api/v1/admin/bureaux/${code}`,
      { key: admin.key, body: { name: 'Tidy Department', regimes: ['HK-GOV', 'HK-CI'], contacts } },
    );
    expect(edited.status).to.equal(200);
    expect(edited.body).to.deep.include({ name: 'Tidy Department', regimes: ['HK-GOV', 'HK-CI'], contacts });
    expect(edited.body.active).to.equal(true);
    expect(await runtime.modules.auth.bureaux.getBureau(code)).to.deep.include({
      regimes: ['HK-GOV', 'HK-CI'],
    });

    const event = (await audited('bureaux', { _id: code }, code)).get('bureau.updated');
    expect(event?.changes).to.deep.include({
      field: 'regimes',
      before: ['HK-GOVV'],
      after: ['HK-GOV', 'HK-CI'],
    });
    expect(event?.changes?.map((c) => c.field)).to.have.members(['name', 'regimes', 'contacts']);

    const empty = await call<Problems>(runtime.url, 'PATCH', `/api/v1/admin/bureaux/${code}`, {
      key: admin.key,
      body: {},
    });
    expect(empty.status).to.equal(422);
    const missing = await call(runtime.url, 'PATCH', `/api/v1/admin/bureaux/${freshCode()}`, {
      key: admin.key,
      body: { name: 'Nobody' },
    });
    expect(missing.status).to.equal(404);
  });

  it('when a bureau is deactivated, then it files no new reports, its incidents stay readable, and both changes are audited', async () => {
    const code = freshCode();
    expect((await createBureau(code)).status).to.equal(201);
    const reporter = await createActor(runtime, { role: 'reporter', bureauId: code });
    const filed = await fileReport(reporter.key);
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);

    const deactivated = await call<{ active: boolean; deactivatedAt: string }>(
      runtime.url,
      'POST',
      `/api/v1/admin/bureaux/${code}/deactivate`,
      { key: admin.key },
    );
    expect(deactivated.status).to.equal(200);
    expect(deactivated.body.active).to.equal(false);

    const refused = await fileReport(reporter.key);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('bureau_deactivated');
    expect(refused.body.error.message).to.contain(code);
    const responder = await createActor(runtime, { role: 'responder' });
    const forIt = await call<Problems>(runtime.url, 'POST', '/api/v1/incidents', {
      key: responder.key,
      body: reportBody({ bureauId: code, indicators: [uniqueIndicator()] }),
    });
    expect(forIt.status).to.equal(409);

    const read = await call(runtime.url, 'GET', `/api/v1/incidents/${filed.body.id}`, { key: reporter.key });
    expect(read.status).to.equal(200);
    const listed = await call<{ items: Array<{ id: string }> }>(runtime.url, 'GET', '/api/v1/incidents', {
      key: reporter.key,
    });
    expect(listed.body.items.map((i) => i.id)).to.include(filed.body.id);

    const newUser = await call<Problems>(runtime.url, 'POST', '/api/v1/admin/users', {
      key: admin.key,
      body: {
        name: 'Late',
        email: `${code.toLowerCase()}.late@test.example`,
        role: 'reporter',
        bureauId: code,
      },
    });
    expect(newUser.status).to.equal(422);
    expect(newUser.body.error.details.map((d) => d.path)).to.deep.equal(['body.bureauId']);

    const reactivated = await call(runtime.url, 'POST', `/api/v1/admin/bureaux/${code}/reactivate`, {
      key: admin.key,
    });
    expect(reactivated.status).to.equal(200);
    expect((await fileReport(reporter.key)).status).to.equal(201);

    const events = await audited('bureaux', { _id: code }, code);
    expect(events.get('bureau.deactivated')?.changes).to.deep.include({
      field: 'active',
      before: true,
      after: false,
    });
    expect(events.has('bureau.reactivated')).to.equal(true);
  });

  it('when a user is disabled, then their key is refused with the next request, in another API process too, and works again once enabled; both audited', async () => {
    const victim = await createActor(runtime, { role: 'responder' });
    // A second API process on the same stores, warmed up with the key before the change.
    const config = { ...runtime.platform.config, RUN_WORKERS: false };
    const other = await startRuntime(config, createLogger('warn', new LogCapture()), {
      mongodbUri: config.MONGODB_URI ?? '',
      redisUrl: config.REDIS_URL ?? '',
    });
    try {
      const otherUrl = other.url ?? '';
      expect((await call(runtime.url, 'GET', '/api/v1/me', { key: victim.key })).status).to.equal(200);
      expect((await call(otherUrl, 'GET', '/api/v1/me', { key: victim.key })).status).to.equal(200);

      const disabled = await call<{ disabledAt: string | null }>(
        runtime.url,
        'POST',
        `/api/v1/admin/users/${victim.userId}/disable`,
        { key: admin.key },
      );
      expect(disabled.status).to.equal(200);
      expect(disabled.body.disabledAt).to.be.a('string');
      expect((await call(runtime.url, 'GET', '/api/v1/me', { key: victim.key })).status).to.equal(401);
      expect((await call(otherUrl, 'GET', '/api/v1/queues', { key: victim.key })).status).to.equal(401);

      const enabled = await call(runtime.url, 'POST', `/api/v1/admin/users/${victim.userId}/enable`, {
        key: admin.key,
      });
      expect(enabled.status).to.equal(200);
      expect((await call(otherUrl, 'GET', '/api/v1/me', { key: victim.key })).status).to.equal(200);
    } finally {
      await other.stop();
    }
    const events = await audited(
      'users',
      { email: `${victim.actor.name}@test.govcert.example` },
      victim.userId,
    );
    expect(events.get('user.disabled')?.changes?.[0]).to.include({ field: 'disabledAt', before: null });
    expect(events.has('user.enabled')).to.equal(true);
  });

  it('when an admin disables their own account or an unknown user, then it is refused (409, 404)', async () => {
    const self = await call<Problems>(runtime.url, 'POST', `/api/v1/admin/users/${admin.userId}/disable`, {
      key: admin.key,
    });
    expect(self.status).to.equal(409);
    expect(self.body.error.code).to.equal('cannot_disable_self');
    expect((await call(runtime.url, 'GET', '/api/v1/me', { key: admin.key })).status).to.equal(200);
    const unknown = await call(runtime.url, 'POST', '/api/v1/admin/users/0123456789abcdef01234567/disable', {
      key: admin.key,
    });
    expect(unknown.status).to.equal(404);
  });

  it('when a non-admin calls the new admin routes, then it is 403', async () => {
    const lead = await createActor(runtime, { role: 'lead' });
    for (const [method, path] of [
      ['PATCH', '/api/v1/admin/bureaux/DH'],
      ['POST', '/api/v1/admin/bureaux/DH/deactivate'],
      ['POST', `/api/v1/admin/users/${lead.userId}/disable`],
    ] as const) {
      const answer = await call(runtime.url, method, path, { key: lead.key, body: { name: 'x' } });
      expect(answer.status, `${method} ${path}`).to.equal(403);
    }
  });
});
