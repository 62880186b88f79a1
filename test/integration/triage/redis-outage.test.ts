import { expect } from 'chai';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRedisServer, type ManagedProcess } from '../../../src/platform/embedded/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { sharedServices, uniqueName } from '../../helpers/services.js';
import { reportBody } from '../../factories/incident.factory.js';

describe('Triage survives a Redis outage', () => {
  let redis: ManagedProcess & { url: string };
  let runtime: TestRuntime;
  let reporter: TestActor;
  const dir = () => join(sharedServices().dataDir, uniqueName('redis-outage'));

  before(async () => {
    redis = await startRedisServer(dir());
    runtime = await startTestRuntime('triageoutage', { REDIS_URL: redis.url });
    reporter = await createActor(runtime, { role: 'reporter' });
  });
  after(async () => {
    await runtime.stop();
    await redis.stop();
  });

  it('when Redis is down, then the report is still 201, and it is triaged once Redis is back', async function () {
    this.timeout(90_000);
    await redis.stop();
    const created = await call<{ id: string; status: string }>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody(),
    });
    expect(created.status, created.text).to.equal(201);
    expect(created.body.status).to.equal('reported');
    redis = await startRedisServer(dir(), redis.port);
    let status = 'reported';
    for (let i = 0; i < 600 && status !== 'triaged'; i++) {
      await sleep(100);
      const stored = await runtime.modules.intake.repository.findById({ kind: 'all' }, created.body.id);
      status = stored?.status ?? 'missing';
    }
    expect(status).to.equal('triaged');
  });
});
