import { z } from 'zod';
import { isLimitedRoute, type AnyRoute } from '../platform/http/index.js';

type JsonSchema = Record<string, unknown>;

/** Info block of the generated document. */
export interface OpenApiInfo {
  title: string;
  version: string;
}

const errorSchema: JsonSchema = {
  type: 'object',
  description: 'Every error answer has this one shape.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      description: 'What went wrong.',
      required: ['code', 'message', 'details', 'requestId'],
      properties: {
        code: { type: 'string', description: 'Stable machine code, e.g. `validation_failed`, `not_found`.' },
        message: { type: 'string', description: 'What went wrong, for a person to read.' },
        details: {
          description:
            'More for the code: for 422 a list of `{ path, message }` naming each bad field; for 412 the ' +
            '`current` ETag; otherwise null.',
        },
        requestId: {
          type: ['string', 'null'],
          description: 'Id of this request in our logs and audit events: quote it when asking for help.',
        },
      },
    },
  },
};

const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
};
const challenge = {
  'WWW-Authenticate': {
    description: 'How to authenticate: `Bearer` with an API key.',
    schema: { type: 'string' },
  },
};
const etagHeader = {
  ETag: {
    description: 'The version of the resource now (`W/"<revision>"`): send it back as If-Match to change it.',
    schema: { type: 'string', pattern: '^W/"\\d+"$' },
  },
};
const ifMatchParameter: JsonSchema = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description:
    'The ETag you last read (`W/"7"`; `"7"` is accepted too). Required unless the body carries `version`: ' +
    'without either the answer is 428, and 412 when someone changed the resource since you read it.',
  schema: { type: 'string', pattern: '^(W/)?"\\d+"$' },
};

/** JSON Schema of what a client sends (`io: 'input'`: before transforms and defaults) or gets back. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return rest;
}

/** `/api/v1/incidents/:id` → `/api/v1/incidents/{id}`. */
export const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, { description, ...property }]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(description === undefined ? {} : { description }),
    schema: property,
  }));
}

/** A path names a resource (404 when it is not there) unless each of its parameters is an enum. */
function namesResource(route: AnyRoute): boolean {
  return parameters(route.params, 'path').some((p) => !('enum' in (p.schema as JsonSchema)));
}

/**
 * Every error status the route can answer and when, derived from its declaration (authentication,
 * path ids, validation, If-Match, concurrency limits) plus the statuses its handler declares.
 */
function errorStatuses(route: AnyRoute): Map<number, string[]> {
  const why = new Map<number, string[]>();
  const add = (status: number, text: string): void => {
    why.set(status, [...(why.get(status) ?? []), text]);
  };
  if (route.body) add(400, 'The body is not valid JSON (`malformed_json`).');
  if (route.ifMatch) add(400, 'If-Match is not an ETag (`bad_if_match`).');
  if (route.permission !== 'public') {
    add(401, 'No valid API key was sent (`unauthenticated`).');
    add(403, `The caller's role does not hold \`${route.permission}\` (\`forbidden\`).`);
  }
  if (namesResource(route))
    add(
      404,
      'Nothing by that path that the caller may see (`not_found`); another bureau’s is not found either.',
    );
  if (route.ifMatch) {
    add(
      412,
      'The version sent is not current: it changed since you read it (`details.current` is the ETag now).',
    );
    add(428, 'Neither If-Match nor a body `version` was sent (`precondition_required`).');
  }
  if (route.body) {
    add(413, 'The body is larger than the server accepts (`payload_too_large`).');
    add(415, 'The body is not sent as `application/json` (`unsupported_media_type`).');
  }
  if (route.body || route.query || route.params)
    add(
      422,
      'A field is invalid (`validation_failed`): `details` names each one by path, e.g. `body.times.awareAt`.',
    );
  add(429, 'Too many requests from this address or key (`rate_limited`).');
  if (isLimitedRoute(route.method, route.path))
    add(503, 'Too many of these requests are running on this server right now (`service_unavailable`).');
  for (const [status, text] of Object.entries(route.errors ?? {})) add(Number(status), text);
  add(500, 'Something failed on our side (`internal_error`); quote the `requestId`.');
  return why;
}

function errorResponses(route: AnyRoute): Record<string, JsonSchema> {
  const entries = [...errorStatuses(route).entries()].sort(([a], [b]) => a - b);
  return Object.fromEntries(
    entries.map(([status, texts]) => [
      String(status),
      {
        description: texts.join(' '),
        ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
        ...(status === 401 ? { headers: challenge } : {}),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}

const SUCCESS: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

function successResponse(route: AnyRoute): JsonSchema {
  const status = route.status ?? 200;
  const content = route.produces
    ? Object.fromEntries(
        route.produces.map((type) => [type, { schema: type.includes('json') ? {} : { type: 'string' } }]),
      )
    : route.response
      ? { 'application/json': { schema: schemaOf(route.response, 'output') } }
      : undefined;
  return {
    description: SUCCESS[status] ?? 'Success',
    ...(route.etag || route.ifMatch ? { headers: etagHeader } : {}),
    ...(content ? { content } : {}),
  };
}

function requestBody(schema: z.ZodType): JsonSchema {
  const json = schemaOf(schema, 'input');
  // Read from the zod metadata: zod leaves `examples` out of the input side of transforming schemas.
  const [example] = (schema.meta()?.examples ?? []) as unknown[];
  return {
    required: true,
    content: { 'application/json': { schema: json, ...(example === undefined ? {} : { example }) } },
  };
}

function operation(route: AnyRoute): JsonSchema {
  const isPublic = route.permission === 'public';
  return {
    summary: route.summary,
    tags: route.tags ?? [],
    'x-permission': route.permission,
    security: isPublic ? [] : [{ bearer: [] }],
    parameters: [
      ...parameters(route.params, 'path'),
      ...parameters(route.query, 'query'),
      ...(route.ifMatch ? [ifMatchParameter] : []),
      ...Object.entries(route.headers ?? {}).map(([name, description]) => ({
        name,
        in: 'header',
        required: false,
        description,
        schema: { type: 'string' },
      })),
    ],
    ...(route.body ? { requestBody: requestBody(route.body) } : {}),
    responses: { [String(route.status ?? 200)]: successResponse(route), ...errorResponses(route) },
  };
}

/**
 * The OpenAPI 3.1 document of the registered routes, generated from their declarations and zod
 * schemas (field descriptions included): nothing is written by hand, so the document cannot drift
 * from what the server validates and answers.
 */
export function buildOpenApi(routes: readonly AnyRoute[], info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key `gck_...`' } },
      schemas: { Error: errorSchema },
    },
  };
}
