import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import type { Config } from './config/index.js';
import type { Logger, Metrics, RequestPressure } from './platform/index.js';
import {
  errorHandler,
  heavyRouteLimits,
  registerRoutes,
  requestContext,
  unknownRoute,
  type AccessControl,
  type AnyRoute,
} from './platform/http/index.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  routes: readonly AnyRoute[];
  access: AccessControl;
  /** Middleware run before body parsing (rate limits). */
  before?: RequestHandler[];
  /** The web console (`/`, `/login`, `/console/...`): its own headers, forms, sessions and error pages. */
  console?: Router | null;
  /** Counts the requests in flight for the workers of this process (see RequestPressure). */
  pressure?: RequestPressure | null;
}

/** Each request counts from its start until its response ends or its connection closes. */
function countRequests(pressure: RequestPressure): RequestHandler {
  return (_req, res, next) => {
    res.on('close', pressure.enter());
    next();
  };
}

function observe(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      logger.debug(
        { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) },
        'request',
      );
    });
    next();
  };
}

/** The Express app, without listening: every security layer, the routes, and the one error handler. */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.TRUST_PROXY_HOPS);
  app.set('query parser', 'simple'); // no nested objects from the query string
  if (deps.pressure) app.use(countRequests(deps.pressure));
  app.use(requestContext);
  app.use(observe(deps.logger, deps.metrics));
  // Pages first: they set their own CSP and answer their own errors as pages; API paths fall through.
  if (deps.console) app.use(deps.console);
  app.use(helmet());
  for (const middleware of deps.before ?? []) app.use(middleware);
  app.use(express.json({ limit: deps.config.BODY_LIMIT, type: 'application/json', strict: true }));
  const router = express.Router();
  registerRoutes(router, deps.routes, deps.access, heavyRouteLimits(deps.config));
  app.use(router);
  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
