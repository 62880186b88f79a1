import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { createIncidentSchema } from '../../../src/incidents/incident.schemas.js';
import type { AnyRoute } from '../../../src/platform/http/index.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { change, reportAndTriage } from '../workflow/workflow-fixture.js';

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  description?: string;
  schema: Schema;
}
interface MediaType {
  schema: Schema;
  example?: unknown;
}
interface Operation {
  'x-permission': string;
  requestBody?: { content: Partial<Record<string, MediaType>> };
  parameters: Parameter[];
  responses: Partial<
    Record<string, { description: string; headers?: Schema; content?: Partial<Record<string, MediaType>> }>
  >;
}
type Doc = { openapi: string; paths: Partial<Record<string, Partial<Record<string, Operation>>>> };

const toPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Routes whose query parameters are still undescribed: their schemas live in src/audit, which another
 * engineer is reworking (issue 13). Remove an entry once its schema has descriptions.
 */
const UNDESCRIBED_PARAMETERS = new Set(['GET /api/v1/audit/events', 'GET /api/v1/audit/verify']);

/** Every property (at any depth) without a description, as `<where>.<path>`. */
function undescribed(schema: unknown, where: string): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as Schema;
  const missing: string[] = [];
  for (const [name, property] of Object.entries((node.properties ?? {}) as Record<string, Schema>)) {
    if (typeof property.description !== 'string' || property.description.trim() === '')
      missing.push(`${where}.${name}`);
    missing.push(...undescribed(property, `${where}.${name}`));
  }
  for (const key of ['items', 'additionalProperties', 'not'])
    missing.push(...undescribed(node[key], `${where}[]`));
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems'])
    for (const member of (node[key] ?? []) as unknown[]) missing.push(...undescribed(member, where));
  return missing;
}

describe('OpenAPI document', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let doc: Doc;
  let routes: AnyRoute[];
  const operationOf = (route: AnyRoute): Operation => {
    const operation = doc.paths[toPath(route.path)]?.[route.method];
    if (!operation) throw new Error(`${route.method} ${route.path} is not in the document`);
    return operation;
  };
  before(async () => {
    runtime = await startTestRuntime('openapi');
    routes = runtime.modules.routes;
    doc = (await call<Doc>(runtime.url, 'GET', '/api/v1/openapi.json')).body;
  });
  after(async () => {
    await runtime.stop();
  });

  it('when fetched without a key, then it describes every registered route with its permission', async () => {
    const answer = await call<Doc>(runtime.url, 'GET', '/api/v1/openapi.json');
    expect(answer.status).to.equal(200);
    expect(answer.body.openapi).to.equal('3.1.0');
    for (const route of routes) {
      expect(operationOf(route)['x-permission'], route.path).to.equal(route.permission);
    }
    const read = answer.body.paths['/api/v1/incidents/{id}']?.get;
    expect(read?.parameters.map((p) => [p.name, p.in])).to.deep.equal([['id', 'path']]);
    expect(answer.body.paths['/api/v1/incidents']?.post?.requestBody).to.be.an('object');
  });

  it('when walked, then every parameter and every field of every request and response schema has a description', () => {
    const missing: string[] = [];
    for (const route of routes) {
      const name = `${route.method.toUpperCase()} ${route.path}`;
      const operation = operationOf(route);
      if (!UNDESCRIBED_PARAMETERS.has(name))
        for (const parameter of operation.parameters)
          if (!parameter.description) missing.push(`${name}: ${parameter.in} ${parameter.name}`);
      for (const media of Object.values(operation.requestBody?.content ?? {}))
        missing.push(...undescribed(media?.schema, `${name}: body`));
      for (const [status, response] of Object.entries(operation.responses))
        for (const media of Object.values(response?.content ?? {}))
          missing.push(...undescribed(media?.schema, `${name}: ${status}`));
    }
    expect(missing, missing.join('\n')).to.deep.equal([]);
  });

  it('when a route is versioned, then it takes If-Match, answers an ETag and documents 400, 412 and 428', () => {
    const versioned = routes.filter((route) => route.ifMatch);
    expect(versioned.map((r) => r.path)).to.include('/api/v1/incidents/:id/transitions');
    for (const route of routes) {
      const operation = operationOf(route);
      const body = operation.requestBody?.content['application/json']?.schema;
      const takesVersion = Object.keys(body?.properties ?? {}).includes('version');
      // A body `version` is the other half of If-Match: a route taking one must declare the other.
      if (takesVersion) expect(route.ifMatch, `${route.path} takes a version`).to.equal(true);
      if (!route.ifMatch) continue;
      const success = operation.responses[String(route.status ?? 200)];
      expect(
        operation.parameters.map((p) => p.name),
        route.path,
      ).to.include('If-Match');
      expect(success?.headers, route.path).to.have.key('ETag');
      expect(operation.responses, route.path).to.include.keys('400', '412', '428');
    }
    const read = operationOf(
      routes.find((r) => r.method === 'get' && r.path === '/api/v1/incidents/:id') as AnyRoute,
    );
    expect(read.responses['200']?.headers).to.have.key('ETag');
  });

  it('when a route has a declaration, then the statuses it implies are listed: 401/403, 404, 409, 422, 503', () => {
    for (const route of routes) {
      const statuses = Object.keys(operationOf(route).responses);
      if (route.permission !== 'public') expect(statuses, route.path).to.include.members(['401', '403']);
      if (route.body) expect(statuses, route.path).to.include.members(['413', '415', '422']);
    }
    const claim = routes.find((r) => r.path === '/api/v1/incidents/:id/claim') as AnyRoute;
    expect(operationOf(claim).responses['409']?.description).to.contain('already_claimed');
    expect(Object.keys(operationOf(claim).responses)).to.include('404');
    const list = routes.find((r) => r.method === 'get' && r.path === '/api/v1/incidents') as AnyRoute;
    expect(operationOf(list).responses['503']?.headers).to.have.key('Retry-After');
  });

  it('when the workflow routes answer, then each answer matches its documented schema', async () => {
    const workflowRoutes = routes.filter(
      (r) => r.tags?.includes('workflow') === true || r.tags?.includes('queues') === true,
    );
    for (const route of workflowRoutes)
      expect(operationOf(route).responses[String(route.status ?? 200)]?.content, route.path).to.have.key(
        'application/json',
      );

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const check = (method: string, path: string, status: number, body: unknown): void => {
      const schema =
        doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
      const validate = ajv.compile(schema ?? {});
      expect(validate(body), `${method} ${path}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
    };
    const reporter: TestActor = await createActor(runtime, { role: 'reporter' });
    const responder: TestActor = await createActor(runtime, { role: 'responder' });
    const incident = await reportAndTriage(runtime.url, reporter, responder);
    const at = `/api/v1/incidents/${incident.id}`;

    const asReporter = await call(runtime.url, 'GET', `${at}/workflow`, { key: reporter.key });
    check('get', '/api/v1/incidents/{id}/workflow', 200, asReporter.body);
    const claimed = await change(runtime.url, responder, `${at}/claim`, incident.revision);
    expect(claimed.status).to.equal(200);
    check('post', '/api/v1/incidents/{id}/claim', 200, claimed.body);
    const noted = await change(runtime.url, responder, `${at}/notes`, claimed.body.revision, {
      text: 'Looking',
    });
    expect(noted.status).to.equal(201);
    check('post', '/api/v1/incidents/{id}/notes', 201, noted.body);
    const tasked = await change(runtime.url, responder, `${at}/tasks`, noted.body.revision, {
      title: 'Image the server',
      assigneeId: responder.userId,
      dueAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    check('post', '/api/v1/incidents/{id}/tasks', 201, tasked.body);
    check(
      'get',
      '/api/v1/incidents/{id}/workflow',
      200,
      (await call(runtime.url, 'GET', `${at}/workflow`, { key: responder.key })).body,
    );
    const queues = await call(runtime.url, 'GET', '/api/v1/queues', { key: responder.key });
    check('get', '/api/v1/queues', 200, queues.body);
    const queue = claimed.body.queue ?? '';
    const page = await call(runtime.url, 'GET', `/api/v1/queues/${queue}/incidents`, { key: responder.key });
    expect((page.body as { items: unknown[] }).items).to.have.length.greaterThan(0);
    check('get', '/api/v1/queues/{queue}/incidents', 200, page.body);
    const timeline = await call(runtime.url, 'GET', `${at}/timeline`, { key: responder.key });
    expect((timeline.body as { items: unknown[] }).items).to.have.length.greaterThan(0);
    check('get', '/api/v1/incidents/{id}/timeline', 200, timeline.body);
    check(
      'get',
      '/api/v1/incidents/{id}/timeline',
      200,
      (await call(runtime.url, 'GET', `${at}/timeline`, { key: reporter.key })).body,
    );
  });

  it('when the documented report example is filed (with times of today), then it is accepted', async () => {
    const media = doc.paths['/api/v1/incidents']?.post?.requestBody?.content['application/json'];
    const example = media?.example as Record<string, unknown> | undefined;
    expect(example, 'an example report').to.be.an('object');
    expect(createIncidentSchema.safeParse(example).success).to.equal(true);
    // Times in the example are fixed; the server refuses times older than REPORT_TIME_MAX_AGE_DAYS.
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const times = { occurredAt: minutesAgo(400), discoveredAt: minutesAgo(60), awareAt: minutesAgo(40) };
    const notified = [{ party: 'police', at: minutesAgo(5), reference: 'CSTCB-2026-0311' }];
    const reporter = await createActor(runtime, { role: 'reporter' });
    const filed = await call(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: { ...example, times, externalNotified: notified },
    });
    expect(filed.status, filed.text).to.equal(201);
    const update =
      doc.paths['/api/v1/incidents/{id}/updates']?.post?.requestBody?.content['application/json'];
    expect(update?.example).to.be.an('object');
  });

  it('when categories are described, then the reportable ones named are those the active policy reports', () => {
    const body = doc.paths['/api/v1/incidents']?.post?.requestBody?.content['application/json']?.schema;
    const description = String(
      ((body?.properties as Partial<Record<string, Schema>>).category ?? {}).description,
    );
    const [reportable = '', recorded = ''] = description.split('Recorded but not reportable');
    const named = (text: string) => [...text.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    const pack = runtime.modules.intake.triage.activePolicy.packs.find((p) => p.isDefault);
    const categories = Object.entries(pack?.categories ?? {});
    expect(named(reportable).sort()).to.deep.equal(
      categories
        .filter(([, c]) => c.reportable)
        .map(([k]) => k)
        .sort(),
    );
    expect(named(recorded).sort()).to.deep.equal(
      categories
        .filter(([, c]) => !c.reportable)
        .map(([k]) => k)
        .sort(),
    );
  });

  it('when a report or export is asked for without a format, then the document says it is CSV', () => {
    const format = doc.paths['/api/v1/reports/{kind}']?.get?.parameters.find((p) => p.name === 'format');
    expect(format?.schema.default).to.equal('csv');
    const exportBody = doc.paths['/api/v1/exports']?.post?.requestBody?.content['application/json']?.schema;
    expect(((exportBody?.properties as Partial<Record<string, Schema>>).format ?? {}).default).to.equal(
      'csv',
    );
    const report = doc.paths['/api/v1/reports/{kind}']?.get?.responses['200']?.content ?? {};
    expect(Object.keys(report)).to.include.members(['text/csv', 'application/x-ndjson', 'text/html']);
  });
});
