import { expect } from 'chai';
import express from 'express';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { openAccess } from '../../../src/auth/open-access.js';
import { createLogger } from '../../../src/platform/index.js';
import { defineRoute, errorHandler, registerRoutes } from '../../../src/platform/http/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { LogCapture, startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

interface AuditEventView {
  requestId: string | null;
  actor: { userId: string };
  data: Record<string, unknown>;
}

describe('HTTP hygiene: caching, request ids, quiet aborts', function () {
  this.timeout(60_000);

  describe('the running system', () => {
    let runtime: TestRuntime;
    let reporter: TestActor;
    let auditor: TestActor;

    before(async () => {
      runtime = await startTestRuntime('hygiene');
      reporter = await createActor(runtime, { role: 'reporter' });
      auditor = await createActor(runtime, { role: 'auditor' });
    });

    after(async () => {
      await runtime.stop();
    });

    it('when an API answer may hold incident or identity data, then it says no-store; public ones do not', async () => {
      for (const path of ['/api/v1/incidents', '/api/v1/me']) {
        const answer = await call(runtime.url, 'GET', path, { key: reporter.key });
        expect(answer.status, path).to.equal(200);
        expect(answer.headers.get('cache-control'), path).to.equal('no-store');
      }
      const refused = await call(runtime.url, 'GET', '/api/v1/incidents');
      expect(refused.status).to.equal(401);
      expect(refused.headers.get('cache-control')).to.equal('no-store');
      const open = await call(runtime.url, 'GET', '/api/v1/openapi.json');
      expect(open.status).to.equal(200);
      expect(open.headers.get('cache-control')).not.to.equal('no-store');
    });

    it('when a client sends its own X-Request-Id, then audit events keep ours as requestId and its id apart', async () => {
      const answer = await call<{ error: { requestId: string } }>(runtime.url, 'GET', '/api/v1/admin/users', {
        key: reporter.key,
        headers: { 'x-request-id': 'client-chosen-1' },
      });
      expect(answer.status).to.equal(403);
      const ours = answer.headers.get('x-request-id');
      expect(ours).to.be.a('string').and.not.equal('client-chosen-1');
      expect(answer.body.error.requestId).to.equal(ours);
      const page = await call<{ events: AuditEventView[] }>(
        runtime.url,
        'GET',
        `/api/v1/audit/events?action=auth.forbidden&actorUserId=${reporter.userId}`,
        { key: auditor.key },
      );
      expect(page.body.events).to.have.length(1);
      expect(page.body.events.map((event) => [event.requestId, event.data.clientRequestId])).to.deep.equal([
        [ours, 'client-chosen-1'],
      ]);
    });
  });

  describe('a download the client abandons', () => {
    let server: Server;
    let port: number;
    const logs = new LogCapture();

    before(async () => {
      const router = express.Router();
      const endless = defineRoute({
        method: 'get',
        path: '/download',
        permission: 'public',
        summary: 'streams until the client leaves',
        handler: async ({ res }) => {
          res.status(200).type('text/plain');
          const chunk = 'x'.repeat(64 * 1024);
          await pipeline(
            new Readable({
              read() {
                this.push(chunk);
              },
            }),
            res,
          );
          return undefined;
        },
      });
      registerRoutes(router, [endless], openAccess);
      const app = express()
        .use(router)
        .use(errorHandler(createLogger('info', logs)));
      server = createServer(app).listen(0, '127.0.0.1');
      await once(server, 'listening');
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });

    after(async () => {
      server.close();
      await once(server, 'close');
    });

    it('when the client closes the connection mid-download, then it is logged as that, not as an error', async () => {
      const client = request({ host: '127.0.0.1', port, path: '/download' });
      client.end();
      const [response] = (await once(client, 'response')) as [NodeJS.ReadableStream];
      await once(response, 'data');
      client.destroy();
      const outcome = (): Record<string, unknown> | undefined =>
        logs.lines.find((line) => Number(line.level) >= 50 || String(line.msg).startsWith('client closed'));
      for (let i = 0; i < 50 && !outcome(); i += 1) await sleep(50);
      expect(logs.errors()).to.deep.equal([]);
      expect(outcome()?.msg).to.equal('client closed the connection before the answer ended');
    });
  });
});
