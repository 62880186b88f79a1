import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../../src/platform/index.js';
import {
  startFerretDb,
  startRedisServer,
  type ManagedProcess,
} from '../../../src/platform/embedded/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { createActor } from '../../helpers/actors.js';
import { LogCapture, testConfig, type TestRuntime } from '../../helpers/runtime.js';
import { testDataRoot } from '../../helpers/services.js';

/** Polls /readyz until it answers `status` (services take a moment to be noticed down or back). */
async function readyzBecomes(url: string, status: number): Promise<number> {
  let last = 0;
  for (let attempt = 0; attempt < 60; attempt += 1) {
    last = (await fetch(`${url}/readyz`)).status;
    if (last === status) return last;
    await sleep(250);
  }
  return last;
}

describe('readiness follows MongoDB and Redis', function () {
  this.timeout(90_000);
  let dir: string;
  let redis: ManagedProcess & { url: string };
  let ferret: ManagedProcess & { uri: string };
  let runtime: Runtime;
  const logs = new LogCapture();

  before(async () => {
    // Dedicated services: this test stops and restarts them.
    dir = mkdtempSync(join(testDataRoot(), 'govcert-ready-'));
    redis = await startRedisServer(join(dir, 'redis'));
    ferret = await startFerretDb(join(dir, 'ferret'));
    const { config } = testConfig('ready', {
      MONGODB_URI: `${ferret.uri}ready`,
      REDIS_URL: redis.url,
      RUN_WORKERS: 'false',
    });
    runtime = await startRuntime(config, createLogger('info', logs), {
      mongodbUri: `${ferret.uri}ready`,
      redisUrl: redis.url,
    });
  });

  after(async () => {
    await runtime.stop();
    await Promise.all([redis.stop(), ferret.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is 200 when both are up', async () => {
    expect(await readyzBecomes(runtime.url!, 200)).to.equal(200);
  });

  it('turns 503 when Redis stops and 200 when it is back', async () => {
    await redis.stop();
    const down = await fetch(`${runtime.url!}/readyz`);
    expect(down.status).to.equal(503);
    const body = (await down.json()) as { error: { details: { redis: string } } };
    expect(body.error.details.redis).to.equal('down');
    // An expected answer while a store is away: a warning without a stack, not a failed request.
    const answered = logs.lines.filter((line) => line.msg === 'Not ready.' || line.msg === 'request failed');
    expect(answered.map((line) => [line.level, line.msg, 'err' in line])).to.deep.include([
      40,
      'Not ready.',
      false,
    ]);
    expect(answered.filter((line) => line.msg === 'request failed')).to.deep.equal([]);
    redis = await startRedisServer(join(dir, 'redis'), redis.port);
    expect(await readyzBecomes(runtime.url!, 200)).to.equal(200);
  });

  it('turns 503 when FerretDB stops and 200 when it is back; a request that needs the store meanwhile is a 503 to retry, not a 500', async () => {
    const responder = await createActor(runtime as TestRuntime, { role: 'responder' });
    await ferret.stop();
    expect(await readyzBecomes(runtime.url!, 503)).to.equal(503);
    logs.lines.length = 0;
    const away = await fetch(`${runtime.url!}/api/v1/incidents`, {
      headers: { authorization: `Bearer ${responder.key}` },
    });
    expect(away.status).to.equal(503);
    expect(away.headers.get('retry-after')).to.equal('5');
    const body = (await away.json()) as { error: { code: string } };
    expect(body.error.code).to.equal('service_unavailable');
    // An expected answer while the store is away: a warning, not a failed request with its stack.
    expect(logs.lines.filter((line) => line.msg === 'request failed')).to.deep.equal([]);
    expect(
      logs.lines.some(
        (line) => line.level === 40 && String(line.msg).startsWith('The database is out of reach'),
      ),
    ).to.equal(true);
    ferret = await startFerretDb(join(dir, 'ferret'), ferret.port);
    expect(await readyzBecomes(runtime.url!, 200)).to.equal(200);
  });
});
