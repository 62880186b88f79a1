import { expect } from 'chai';
import express from 'express';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { formatKey } from '../../../src/auth/api-key.format.js';
import { createRateLimits } from '../../../src/auth/rate-limit.js';
import { createLogger } from '../../../src/platform/index.js';
import { createRedis } from '../../../src/platform/queue/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { LogCapture, startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

interface ErrorBody {
  error: { code: string; requestId: string };
}

describe('Rate limits per key and per client IP', () => {
  let runtime: TestRuntime;
  let first: TestActor;
  let second: TestActor;

  before(async () => {
    // One proxy hop trusted: tests pose as distinct clients with X-Forwarded-For.
    runtime = await startTestRuntime('ratelimit', { RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY_HOPS: '1' });
    first = await createActor(runtime, { role: 'responder' });
    second = await createActor(runtime, { role: 'responder' });
  });

  after(async () => {
    await runtime.stop();
  });

  it('when a key exceeds its limit, then it gets 429 in our error shape with Retry-After, and other keys do not', async () => {
    for (let i = 0; i < 5; i += 1) {
      expect((await call(runtime.url, 'GET', '/api/v1/me', { key: first.key })).status).to.equal(200);
    }
    const limited = await call<ErrorBody>(runtime.url, 'GET', '/api/v1/me', { key: first.key });
    expect(limited.status).to.equal(429);
    expect(limited.body.error.code).to.equal('rate_limited');
    expect(limited.body.error.requestId).to.equal(limited.headers.get('x-request-id'));
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).to.be.within(1, 60);
    expect((await call(runtime.url, 'GET', '/api/v1/me', { key: second.key })).status).to.equal(200);
  });

  it('when an IP keeps sending forged keys, then the IP limit stops it even though every key id differs', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const forged = formatKey(`Forged${String(i).padStart(6, '0')}`, 'x'.repeat(32));
      statuses.push((await call(runtime.url, 'GET', '/api/v1/me', { key: forged })).status);
    }
    expect(statuses.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).to.deep.equal([429, 429, 429]);
  });

  it("when another client fails with a victim's key id past the limit, then the victim's key still works", async () => {
    const victim = await createActor(runtime, { role: 'reporter' });
    const keyId = victim.actor.keyId ?? '';
    // Key ids are not secret: a well-formed key with the victim's id and a made-up secret.
    const guess = formatKey(keyId, 'g'.repeat(32));
    const attacker = { 'x-forwarded-for': '10.66.0.1' };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      statuses.push((await call(runtime.url, 'GET', '/api/v1/me', { key: guess, headers: attacker })).status);
    }
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429, 429, 429]);
    const mine = { 'x-forwarded-for': '10.7.0.1' };
    const answer = await call(runtime.url, 'GET', '/api/v1/me', { key: victim.key, headers: mine });
    expect(answer.status).to.equal(200);
  });

  it('when a client keeps using a key that verified, then the per-IP count is left alone, and a forged key from it is still counted', async () => {
    const client = await createActor(runtime, { role: 'reporter' });
    // Verified (and cached) from another address first: every request below presents a known key.
    const elsewhere = { 'x-forwarded-for': '10.9.0.1' };
    const primed = await call(runtime.url, 'GET', '/api/v1/me', { key: client.key, headers: elsewhere });
    expect(primed.status).to.equal(200);
    const from = { 'x-forwarded-for': '10.9.0.2' };
    for (let i = 0; i < 3; i += 1) {
      const answer = await call(runtime.url, 'GET', '/api/v1/me', { key: client.key, headers: from });
      expect(answer.status).to.equal(200);
    }
    const counters = async (): Promise<string[]> =>
      (await runtime.platform.redis.keys(`${runtime.platform.config.REDIS_PREFIX}:rl:ip:*10.9.0.2*`)).sort();
    // Counted and taken back would leave a counter at 0; left out leaves none.
    expect(await counters()).to.deep.equal([]);
    const forged = formatKey('ForgedFrom92', 'y'.repeat(32));
    expect((await call(runtime.url, 'GET', '/api/v1/me', { key: forged, headers: from })).status).to.equal(
      401,
    );
    const counted = await counters();
    expect(counted).to.have.length(1);
    expect(await runtime.platform.redis.mget(counted)).to.deep.equal(['1']);
  });

  it('when Redis is unreachable, then requests are let through and the outage is logged once', async () => {
    const logs = new LogCapture();
    const logger = createLogger('info', logs);
    // A port nothing listens on: every store call fails at once (no offline queue).
    const deadRedis = createRedis('redis://127.0.0.1:1', 'producer', logger);
    const app = express();
    const limits = createRateLimits({ redis: deadRedis, redisPrefix: 'dead', perMinute: 1, logger });
    for (const middleware of limits.before) app.use(middleware);
    app.get('/ok', async (req, res) => {
      await limits.perKey.hit('SomeKeyId123', req);
      res.json({ ok: true });
    });
    const server = createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await call(base, 'GET', '/ok')).status);
      expect(statuses).to.deep.equal([200, 200, 200, 200, 200]);
      const outages = logs.lines.filter(
        (line) => line.msg === 'rate limiting unavailable; allowing requests',
      );
      expect(outages).to.have.length(1);
    } finally {
      server.close();
      await once(server, 'close');
      deadRedis.disconnect();
    }
  });
});
