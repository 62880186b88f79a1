/** The API description, generated from the routes. The only public surface of `src/openapi`. */
export { buildOpenApi, toOpenApiPath, type OpenApiInfo } from './openapi.builder.js';
export { openApiRoutes } from './openapi.routes.js';
