import { expect } from 'chai';
import { z } from 'zod';
import { buildOpenApi } from '../../../src/openapi/index.js';
import { defineRoute, type AnyRoute } from '../../../src/platform/http/index.js';

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: Record<string, unknown>;
}
interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content?: Partial<Record<string, { schema: Record<string, unknown>; example?: unknown }>>;
}
interface Operation {
  parameters: Parameter[];
  requestBody?: { content: Partial<Record<string, { schema: Record<string, unknown>; example?: unknown }>> };
  responses: Partial<Record<string, Response>>;
}
type Doc = { paths: Partial<Record<string, Partial<Record<string, Operation>>>> };

const handler = () => Promise.resolve({});
const idParams = z.strictObject({ id: z.string().describe('Thing id.') });

function operationOf(route: AnyRoute): Operation {
  const doc = buildOpenApi([route], { title: 't', version: '1' }) as unknown as Doc;
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  const operation = doc.paths[path]?.[route.method];
  if (!operation) throw new Error('operation missing');
  return operation;
}

describe('OpenAPI builder: what a route declaration implies', () => {
  it('when a route takes If-Match, then it documents the header, the ETag and 400, 412, 428', () => {
    const operation = operationOf(
      defineRoute({
        method: 'post',
        path: '/things/:id/claim',
        permission: 'incident.work',
        summary: 'claim',
        params: idParams,
        ifMatch: true,
        handler,
      }),
    );
    expect(operation.parameters.find((p) => p.name === 'If-Match')).to.include({
      in: 'header',
      required: false,
    });
    expect(operation.responses).to.include.keys('200', '400', '412', '428');
    expect(operation.responses['200']?.headers).to.have.key('ETag');
    expect(operation.responses['412']?.description).to.contain('not current');
  });

  it('when a public route has no input, then it answers neither 401/403 nor 404/422', () => {
    const operation = operationOf(
      defineRoute({ method: 'get', path: '/open', permission: 'public', summary: 'open', handler }),
    );
    expect(Object.keys(operation.responses).sort()).to.deep.equal(['200', '429', '500']);
  });

  it('when a route is authenticated, takes ids and a body, then 401, 403, 404, 413, 415 and 422 are listed', () => {
    const operation = operationOf(
      defineRoute({
        method: 'post',
        path: '/things/:id/notes',
        permission: 'incident.work',
        summary: 'note',
        params: idParams,
        body: z.strictObject({ text: z.string().describe('The note.') }),
        status: 201,
        handler,
      }),
    );
    expect(operation.responses).to.include.keys('201', '400', '401', '403', '404', '413', '415', '422');
    expect(operation.responses['403']?.description).to.contain('incident.work');
    expect(operation.responses).not.to.have.property('200');
  });

  it('when every path parameter is an enum, then a bad value is a 422, not a 404', () => {
    const operation = operationOf(
      defineRoute({
        method: 'get',
        path: '/reports/:kind',
        permission: 'report.export',
        summary: 'report',
        params: z.strictObject({ kind: z.enum(['a', 'b']).describe('Kind.') }),
        handler,
      }),
    );
    expect(operation.responses).to.include.keys('422');
    expect(operation.responses).not.to.have.property('404');
  });

  it('when a route declares its own statuses, then they are listed with their reasons beside the derived ones', () => {
    const operation = operationOf(
      defineRoute({
        method: 'post',
        path: '/things/:id/claim',
        permission: 'incident.work',
        summary: 'claim',
        params: idParams,
        errors: { 409: 'Someone else holds it.', 422: 'The assignee is unknown.' },
        handler,
      }),
    );
    expect(operation.responses['409']?.description).to.equal('Someone else holds it.');
    expect(operation.responses['422']?.description).to.contain('validation_failed');
    expect(operation.responses['422']?.description).to.contain('The assignee is unknown.');
  });

  it('when a route runs under a concurrency limit, then its 503 and Retry-After are documented', () => {
    const operation = operationOf(
      defineRoute({
        method: 'get',
        path: '/api/v1/incidents',
        permission: 'incident.read',
        summary: 'list',
        handler,
      }),
    );
    expect(operation.responses['503']?.headers).to.have.key('Retry-After');
  });

  it('when fields are described in zod, then parameters carry the description and bodies their example', () => {
    const operation = operationOf(
      defineRoute({
        method: 'post',
        path: '/things/:id',
        permission: 'incident.work',
        summary: 'things',
        params: idParams,
        query: z.strictObject({ format: z.enum(['csv', 'ndjson']).default('csv').describe('File format.') }),
        body: z.strictObject({ text: z.string().describe('Text.') }).meta({ examples: [{ text: 'hello' }] }),
        headers: { 'Idempotency-Key': 'Retry safely.' },
        handler,
      }),
    );
    const byName: Partial<Record<string, Parameter>> = Object.fromEntries(
      operation.parameters.map((p) => [p.name, p]),
    );
    expect(byName.id?.description).to.equal('Thing id.');
    expect(byName.format).to.deep.include({ description: 'File format.', required: false });
    expect(byName.format?.schema.default).to.equal('csv');
    expect(byName['Idempotency-Key']).to.include({ in: 'header', description: 'Retry safely.' });
    expect(operation.requestBody?.content['application/json']?.example).to.deep.equal({ text: 'hello' });
  });

  it('when a route streams its answer, then the success lists the media types it writes', () => {
    const operation = operationOf(
      defineRoute({
        method: 'get',
        path: '/files',
        permission: 'report.export',
        summary: 'files',
        produces: ['text/csv', 'application/x-ndjson'],
        handler,
      }),
    );
    expect(Object.keys(operation.responses['200']?.content ?? {})).to.deep.equal([
      'text/csv',
      'application/x-ndjson',
    ]);
  });
});
