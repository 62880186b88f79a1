import { z } from 'zod';
import type { AnyRoute } from '../platform/http/index.js';

type JsonSchema = Record<string, unknown>;

/** Info block of the generated document. */
export interface OpenApiInfo {
  title: string;
  version: string;
}

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details', 'requestId'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {},
        requestId: { type: ['string', 'null'] },
      },
    },
  },
};

/** JSON Schema of what a client sends (`io: 'input'`: before transforms and defaults). */
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
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

function operation(route: AnyRoute): JsonSchema {
  const status = String(route.status ?? 200);
  const errors = (codes: string[]) =>
    Object.fromEntries(
      codes.map((code) => [
        code,
        {
          description: 'Error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      ]),
    );
  const isPublic = route.permission === 'public';
  return {
    summary: route.summary,
    tags: route.tags ?? [],
    'x-permission': route.permission,
    security: isPublic ? [] : [{ bearer: [] }],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [status]: {
        description: 'Success',
        ...(route.response
          ? { content: { 'application/json': { schema: schemaOf(route.response, 'output') } } }
          : {}),
      },
      ...errors(isPublic ? ['400', '429'] : ['400', '401', '403', '404', '422', '429']),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the registered routes, generated from their zod schemas: nothing is
 * written by hand, so the document cannot drift from what the server validates.
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
