export { defineRoute, registerRoutes } from './route.js';
export type { AnyRoute, RouteSpec, HandlerContext, AccessControl } from './route.js';
export { errorHandler, toAppError, unknownRoute } from './error-handler.js';
export { requestContext } from './request-context.js';
export { parseOrThrow, toFieldProblems } from './validate.js';
export { etagOf, versionField } from './if-match.js';
export { ConcurrencyLimit } from './concurrency.js';
export type { RouteLimit } from './concurrency.js';
export { heavyRouteLimits, isLimitedRoute } from './heavy-routes.js';
