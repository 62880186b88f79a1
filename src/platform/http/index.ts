export { defineRoute, registerRoutes } from './route.js';
export type { AnyRoute, RouteSpec, HandlerContext, AccessControl } from './route.js';
export { errorHandler, unknownRoute } from './error-handler.js';
export { requestContext } from './request-context.js';
export { parseOrThrow, toFieldProblems } from './validate.js';
