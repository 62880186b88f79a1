import { expect } from 'chai';
import express from 'express';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { openAccess } from '../../../src/auth/open-access.js';
import { createLogger } from '../../../src/platform/index.js';
import {
  ConcurrencyLimit,
  defineRoute,
  errorHandler,
  heavyRouteLimits,
  registerRoutes,
} from '../../../src/platform/http/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { LogCapture, startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

interface VerifyAnswer {
  ok: boolean;
  head: { seq: number };
  verifiedAt: string;
  cached: boolean;
}

describe('Heavy routes: concurrency limits and the cached verification', function () {
  this.timeout(60_000);

  describe('a route under a concurrency limit', () => {
    let server: Server;
    let base: string;
    let open: () => void = () => undefined;
    const logs = new LogCapture();

    before(async () => {
      const router = express.Router();
      const route = defineRoute({
        method: 'get',
        path: '/slow',
        permission: 'public',
        summary: 'waits until the test lets it answer',
        handler: async () => {
          await new Promise<void>((resolve) => (open = resolve));
          return { done: true };
        },
      });
      const limits = [
        { method: 'get' as const, path: '/slow', limit: new ConcurrencyLimit('slow things', 1, 7) },
      ];
      registerRoutes(router, [route], openAccess, limits);
      const app = express()
        .use(router)
        .use(errorHandler(createLogger('info', logs)));
      server = createServer(app).listen(0, '127.0.0.1');
      await once(server, 'listening');
      const address = server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });

    after(async () => {
      server.close();
      await once(server, 'close');
    });

    it('when the limit is taken, then the next request is refused with 503 and Retry-After until it frees', async () => {
      const first = call(base, 'GET', '/slow');
      await sleep(100); // the first is inside its handler now
      const refused = await call<{ error: { code: string } }>(base, 'GET', '/slow');
      expect(refused.status).to.equal(503);
      expect(refused.headers.get('retry-after')).to.equal('7');
      expect(refused.body.error.code).to.equal('service_unavailable');
      open();
      expect((await first).status).to.equal(200);
      const again = call(base, 'GET', '/slow');
      await sleep(100);
      open();
      expect((await again).status).to.equal(200);
      expect(logs.errors(), 'a busy route is no error').to.deep.equal([]);
    });
  });

  describe('the running system', () => {
    let runtime: TestRuntime;
    let auditor: TestActor;

    before(async () => {
      runtime = await startTestRuntime('heavy');
      auditor = await createActor(runtime, { role: 'auditor' });
    });

    after(async () => {
      await runtime.stop();
    });

    it('when the heavy routes are listed, then each names a registered route', () => {
      const registered = new Set(runtime.modules.routes.map((route) => `${route.method} ${route.path}`));
      const heavy = heavyRouteLimits(runtime.platform.config).map((entry) => `${entry.method} ${entry.path}`);
      expect(heavy.filter((entry) => !registered.has(entry))).to.deep.equal([]);
    });

    it('when the chain has not moved since a verification, then it is answered again without recomputing', async () => {
      const verify = () =>
        call<VerifyAnswer>(runtime.url, 'GET', '/api/v1/audit/verify', { key: auditor.key });
      // Setting up the auditor wrote events the relay chains shortly after: wait for a quiet chain.
      let previous = await verify();
      let answer = await verify();
      for (let i = 0; i < 50 && !answer.body.cached; i += 1) {
        await sleep(100);
        previous = answer;
        answer = await verify();
      }
      expect(answer.status).to.equal(200);
      expect(answer.body).to.include({ ok: true, cached: true, verifiedAt: previous.body.verifiedAt });
      expect(answer.body.head.seq).to.equal(previous.body.head.seq);

      await createActor(runtime, { role: 'reporter' }); // new events: the head moves
      let fresh = await verify();
      for (let i = 0; i < 50 && fresh.body.head.seq === answer.body.head.seq; i += 1) {
        await sleep(100);
        fresh = await verify();
      }
      expect(fresh.body).to.include({ ok: true, cached: false });
      expect(fresh.body.head.seq).to.be.greaterThan(answer.body.head.seq);
    });
  });
});
