import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import { buildOpenApi, type OpenApiInfo } from './openapi.builder.js';

/**
 * `GET /api/v1/openapi.json` (public). The routes are read through a getter at request time, so every
 * module's routes appear, including those registered after this one; the document is built once.
 */
export function openApiRoutes(routes: () => readonly AnyRoute[], info: OpenApiInfo): AnyRoute[] {
  let document: Record<string, unknown> | undefined;
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/openapi.json',
      permission: 'public',
      summary: 'OpenAPI 3.1 description of this API',
      tags: ['meta'],
      handler: () => Promise.resolve((document ??= buildOpenApi(routes(), info))),
    }),
  ];
}
