import { expect } from 'chai';
import type { mongo } from 'mongoose';
import { createAuthServices, oneShotKeyForgetting, systemActor } from '../../../src/auth/index.js';
import { createLogger } from '../../../src/platform/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { LogCapture, testConfig, type TestRuntime } from '../../helpers/runtime.js';
import { waitFor } from '../../helpers/wait.js';

/** Reads of the collections a key check reads, counted per process. */
class AuthReads {
  count = 0;
  readonly onCommand = (event: mongo.CommandStartedEvent): void => {
    const target = (event.command as Record<string, unknown>)[event.commandName];
    if (event.commandName === 'find' && (target === 'api_keys' || target === 'users')) this.count++;
  };
}

describe('Verified API keys (read from Redis, forgotten on every change that refuses them)', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  /** A second API process on the same stores (no workers). */
  let other: Runtime & { url: string };
  const reads = new AuthReads();
  const otherReads = new AuthReads();
  let admin: TestActor;

  before(async () => {
    const { config, urls } = testConfig('verified-keys');
    const started = await startRuntime(config, createLogger('warn', new LogCapture()), {
      ...urls,
      db: { onCommand: reads.onCommand },
    });
    runtime = Object.assign(started, { url: started.url ?? '', logs: new LogCapture() });
    const second = await startRuntime(
      { ...config, RUN_WORKERS: false },
      createLogger('warn', new LogCapture()),
      { ...urls, db: { onCommand: otherReads.onCommand } },
    );
    other = Object.assign(second, { url: second.url ?? '' });
    admin = await createActor(runtime, { role: 'admin' });
  });

  after(async () => {
    await other.stop();
    await runtime.stop();
  });

  const me = (url: string, key: string) => call(url, 'GET', '/api/v1/me', { key });

  it('when a key was verified once, then further requests in any process read neither it nor its user', async () => {
    const reporter = await createActor(runtime, { role: 'reporter', bureauId: 'DH' });
    expect((await me(runtime.url, reporter.key)).status).to.equal(200);
    expect((await me(other.url, reporter.key)).status).to.equal(200);
    const [before, otherBefore] = [reads.count, otherReads.count];
    // `/me` reads the user to show it; the incident list reads no user.
    const list = (url: string) => call(url, 'GET', '/api/v1/incidents', { key: reporter.key });
    for (let i = 0; i < 3; i++) {
      expect((await list(runtime.url)).status).to.equal(200);
      expect((await list(other.url)).status).to.equal(200);
    }
    expect(reads.count - before).to.equal(0);
    expect(otherReads.count - otherBefore).to.equal(0);
  });

  it('when a key is revoked or its user disabled, then the next request is refused in every process', async () => {
    const revoked = await createActor(runtime, { role: 'responder' });
    const disabled = await createActor(runtime, { role: 'responder' });
    for (const actor of [revoked, disabled]) {
      expect((await me(runtime.url, actor.key)).status).to.equal(200);
      expect((await me(other.url, actor.key)).status).to.equal(200);
    }
    const revoke = await call(runtime.url, 'POST', `/api/v1/admin/keys/${revoked.actor.keyId ?? ''}/revoke`, {
      key: admin.key,
    });
    expect(revoke.status).to.equal(200);
    expect((await me(other.url, revoked.key)).status).to.equal(401);
    expect((await me(runtime.url, revoked.key)).status).to.equal(401);

    const disable = await call(other.url, 'POST', `/api/v1/admin/users/${disabled.userId}/disable`, {
      key: admin.key,
    });
    expect(disable.status).to.equal(200);
    expect((await me(runtime.url, disabled.key)).status).to.equal(401);
    expect((await me(other.url, disabled.key)).status).to.equal(401);
    // Keys that nothing refused are verified again (read once more) and keep working.
    expect((await me(other.url, admin.key)).status).to.equal(200);
  });

  it('when the process that disabled a user could not tell Redis, then the job its write recorded makes every process forget', async () => {
    const victim = await createActor(runtime, { role: 'lead' });
    expect((await me(runtime.url, victim.key)).status).to.equal(200);
    expect((await me(other.url, victim.key)).status).to.equal(200);
    // The same services as the API's, with no way to reach Redis (a CLI on a host without it): the
    // write records its job, and a relay of the running system enqueues it.
    const offline = createAuthServices(runtime.platform.db, () => ['HK-GOV']);
    await offline.users.setDisabled(systemActor('test'), victim.userId, true);
    const recorded = await runtime.platform.db
      .collection<{ pendingJobs?: Array<{ queue: string; payload: unknown }> }>('users')
      .findOne({ email: `${victim.actor.name}@test.govcert.example` });
    const jobs = recorded?.pendingJobs ?? [];
    // Either still in the outbox or already relayed; when still there, it is the auth job.
    if (jobs.length > 0) {
      expect(jobs[0]).to.deep.include({ queue: 'auth', payload: { cause: 'user', id: victim.userId } });
    }
    const answers = await waitFor(
      async () => [(await me(runtime.url, victim.key)).status, (await me(other.url, victim.key)).status],
      (statuses) => statuses.every((status) => status === 401),
      30_000,
    );
    expect(answers).to.deep.equal([401, 401]);
  });

  it('when the CLI disables a user while Redis is reachable, then it tells Redis itself and the next request is refused at once', async () => {
    const victim = await createActor(runtime, { role: 'auditor' });
    expect((await me(runtime.url, victim.key)).status).to.equal(200);
    expect((await me(other.url, victim.key)).status).to.equal(200);
    const { config } = runtime.platform;
    const cli = createAuthServices(runtime.platform.db, () => ['HK-GOV'], {
      verified: null,
      forgetting: oneShotKeyForgetting(config.REDIS_URL ?? '', config.REDIS_PREFIX, createLogger('silent')),
    });
    await cli.users.setDisabled(systemActor('cli:test'), victim.userId, true);
    expect((await me(other.url, victim.key)).status).to.equal(401);
    expect((await me(runtime.url, victim.key)).status).to.equal(401);
  });
});
