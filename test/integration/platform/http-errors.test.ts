import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { z } from 'zod';
import { buildApp } from '../../../src/app.js';
import { openAccess } from '../../../src/auth/open-access.js';
import { connectMongo, mongoose, type Connection } from '../../../src/platform/db/index.js';
import { createLogger, createMetrics } from '../../../src/platform/index.js';
import { defineRoute, registerRoutes, type AnyRoute } from '../../../src/platform/http/index.js';
import { call } from '../../helpers/http.js';
import { LogCapture, testConfig } from '../../helpers/runtime.js';

describe('HTTP platform: error shapes, limits and persistence', () => {
  let server: Server;
  let base: string;
  let db: Connection;
  let things: mongoose.Model<{ code?: string | null; size?: number | null }>;
  const logs = new LogCapture();

  before(async () => {
    const { config, urls } = testConfig('http', { BODY_LIMIT: '2kb' });
    const logger = createLogger('info', logs);
    db = await connectMongo(urls.mongodbUri, logger);
    const Thing = db.model(
      'Thing',
      new mongoose.Schema({ code: { type: String, unique: true }, size: { type: Number } }),
    );
    await Thing.createIndexes();
    things = Thing;
    const thingBody = z.strictObject({ code: z.string().min(1).max(20), size: z.number().int() });
    const routes: AnyRoute[] = [
      defineRoute({
        method: 'post',
        path: '/things',
        permission: 'public',
        summary: 'create',
        body: thingBody,
        status: 201,
        handler: async ({ body }) => {
          const created = await Thing.create(body);
          return { id: String(created._id) };
        },
      }),
      defineRoute({
        method: 'get',
        path: '/things/:code',
        permission: 'public',
        summary: 'read',
        params: z.object({ code: z.string() }),
        handler: async ({ params }) => Thing.findOne({ code: params.code }).lean(),
      }),
    ];
    const app = buildApp({ config, logger, metrics: createMetrics(), routes, access: openAccess });
    server = createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  after(async () => {
    server.close();
    await once(server, 'close');
    await db.close();
  });

  it('stores and reads back a document on FerretDB', async () => {
    const created = await call(base, 'POST', '/things', { body: { code: 'alpha', size: 3 } });
    expect(created.status).to.equal(201);
    const read = await call(base, 'GET', '/things/alpha');
    expect(read.body).to.include({ code: 'alpha', size: 3 });
  });

  it('answers a unique-index violation with 409 in the error shape', async () => {
    await call(base, 'POST', '/things', { body: { code: 'beta', size: 1 } });
    const again = await call<{ error: { code: string; requestId: string } }>(base, 'POST', '/things', {
      body: { code: 'beta', size: 2 },
    });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('duplicate');
    expect(again.body.error.requestId).to.equal(again.headers.get('x-request-id'));
  });

  const cases: Array<[string, () => Promise<{ status: number; body: unknown }>, number, string]> = [
    ['malformed JSON', () => call(base, 'POST', '/things', { raw: '{"code": "x",' }), 400, 'malformed_json'],
    [
      'an oversized body',
      () => call(base, 'POST', '/things', { body: { code: 'x', size: 1, pad: 'y'.repeat(5000) } }),
      413,
      'payload_too_large',
    ],
    [
      'a wrong content type',
      () => call(base, 'POST', '/things', { raw: 'code=x', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    ],
    ['an unknown route', () => call(base, 'GET', '/nowhere'), 404, 'not_found'],
    [
      'invalid fields',
      () => call(base, 'POST', '/things', { body: { code: '', size: 'big', extra: 1 } }),
      422,
      'validation_failed',
    ],
  ];
  for (const [name, send, status, code] of cases) {
    it(`answers ${name} with ${status} ${code}, without an error-level log`, async () => {
      const before = logs.errors().length;
      const answer = await send();
      expect(answer.status).to.equal(status);
      expect((answer.body as { error: { code: string } }).error.code).to.equal(code);
      expect(JSON.stringify(answer.body)).not.to.match(/at .*\.ts:\d+/); // no stack trace
      expect(logs.errors().length).to.equal(before);
    });
  }

  it('names every failing field path', async () => {
    const answer = await call<{ error: { details: Array<{ path: string }> } }>(base, 'POST', '/things', {
      body: { code: '', size: 'big', extra: 1 },
    });
    expect(answer.body.error.details.map((d) => d.path)).to.have.members([
      'body.code',
      'body.size',
      'body.extra',
    ]);
  });

  it('keeps query operators from untrusted filters out of queries (sanitizeFilter)', async () => {
    await things.create({ code: 'gamma', size: 1 });
    const injected = JSON.parse('{"code": {"$gt": ""}}') as Record<string, unknown>;
    const found = await things
      .find(injected)
      .lean()
      .catch(() => []);
    expect(found).to.have.length(0);
  });

  it('refuses to register a route without a permission', () => {
    const router = { get: () => undefined } as unknown as Parameters<typeof registerRoutes>[0];
    const unguarded = {
      method: 'get',
      path: '/x',
      summary: 'x',
      handler: () => Promise.resolve({}),
    } as unknown as AnyRoute;
    expect(() => {
      registerRoutes(router, [unguarded], openAccess);
    }).to.throw(/declares no permission/);
  });
});
