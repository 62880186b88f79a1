import { expect } from 'chai';
import { formatKey } from '../../../src/auth/api-key.format.js';
import { systemActor } from '../../../src/auth/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

interface ErrorBody {
  error: { code: string; message: string; details: unknown; requestId: string };
}

/** The parts of a 401 that must not vary with what was wrong with the key. */
function sameness(answer: { status: number; headers: Headers; body: ErrorBody }): unknown {
  const { requestId: _ignored, ...error } = answer.body.error;
  return { status: answer.status, error, challenge: answer.headers.get('www-authenticate') };
}

describe('Authentication by API key', () => {
  let runtime: TestRuntime;
  let reporter: TestActor;

  before(async () => {
    runtime = await startTestRuntime('authn');
    reporter = await createActor(runtime, { role: 'reporter', bureauId: 'DH' });
  });

  after(async () => {
    await runtime.stop();
  });

  it('when a valid key is sent, then /me names its user, role and bureau', async () => {
    const answer = await call<{
      user: { id: string; role: string; bureauId: string };
      bureau: { code: string };
      keyId: string;
    }>(runtime.url, 'GET', '/api/v1/me', { key: reporter.key });
    expect(answer.status).to.equal(200);
    expect(answer.body.user).to.include({ id: reporter.userId, role: 'reporter', bureauId: 'DH' });
    expect(answer.body.bureau.code).to.equal('DH');
    expect(answer.body.keyId).to.equal(reporter.actor.keyId);
  });

  it('when the key is unknown, revoked, expired, malformed or missing, then every 401 is identical', async () => {
    const revoked = await createActor(runtime, { role: 'responder' });
    await runtime.modules.auth.keys.revoke(systemActor('test'), revoked.actor.keyId ?? '');
    const expired = await createActor(runtime, { role: 'lead' });
    const expiredDb = runtime.platform.db.collection('api_keys');
    await expiredDb.updateOne(
      { keyId: expired.actor.keyId },
      { $set: { expiresAt: new Date(Date.now() - 1000) } },
    );
    const unknown = formatKey('AAAAAAAAAAAA', 'B'.repeat(32));
    const wrongSecret = formatKey(reporter.actor.keyId ?? '', 'C'.repeat(32));
    const typo = reporter.key.slice(0, -1) + (reporter.key.endsWith('a') ? 'b' : 'a');

    const attempts: Array<[string, Record<string, string>]> = [
      ['unknown', { authorization: `Bearer ${unknown}` }],
      ['wrong secret', { authorization: `Bearer ${wrongSecret}` }],
      ['revoked', { authorization: `Bearer ${revoked.key}` }],
      ['expired', { authorization: `Bearer ${expired.key}` }],
      ['bad checksum', { authorization: `Bearer ${typo}` }],
      ['not a key', { authorization: 'Bearer hello' }],
      ['basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['missing', {}],
    ];
    const answers = await Promise.all(
      attempts.map(
        async ([name, headers]) =>
          [name, await call<ErrorBody>(runtime.url, 'GET', '/api/v1/me', { headers })] as const,
      ),
    );
    const reference = sameness(answers[0][1]);
    expect(reference).to.deep.include({ status: 401 });
    for (const [name, answer] of answers) {
      expect(sameness(answer), name).to.deep.equal(reference);
    }
  });
});
