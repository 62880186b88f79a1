import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { Actor } from '../actor.js';
import type { RoutePermission, Permission } from '../permissions.js';
import { UnsupportedMediaTypeError } from '../errors.js';
import type { RouteLimit } from './concurrency.js';
import { expectedVersion } from './if-match.js';
import { parseOrThrow } from './validate.js';

type Out<S> = S extends z.ZodType ? z.output<S> : S extends undefined ? undefined : unknown;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface HandlerContext<B, Q, P, A, V = undefined> {
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  /** The version the change is based on (If-Match or body `version`), on routes declaring `ifMatch`. */
  version: V extends true ? number : undefined;
  actor: A;
  req: Request;
  res: Response;
}

/** A route as a declaration: what it takes, who may call it, what it answers. */
export interface RouteSpec<B, Q, P, Perm extends RoutePermission, V extends boolean | undefined = undefined> {
  method: Method;
  /** Express path, e.g. `/api/v1/incidents/:id`. */
  path: string;
  /** Required: the permission the caller's role must hold, or 'public'. */
  permission: Perm;
  /** One line for the OpenAPI document. */
  summary: string;
  tags?: string[];
  body?: B;
  query?: Q;
  params?: P;
  /** Documented response body (OpenAPI only; handlers are trusted to return it). */
  response?: z.ZodType;
  /** Success status, default 200. */
  status?: number;
  /**
   * The route changes a versioned resource: the client sends the version it last read, as `If-Match`
   * (the ETag) or a `version` body field, and the handler gets it as `version`. Neither → 428, a
   * malformed If-Match → 400; the service answers 412 when it is not current. The answer carries the
   * new ETag. The OpenAPI document takes the header, the ETag and these statuses from this flag.
   */
  ifMatch?: V;
  /** The answer carries an `ETag` to send back as If-Match (implied by `ifMatch`). */
  etag?: boolean;
  /**
   * Statuses only the handler knows it can answer, each with when (409 already claimed...). Those the
   * declaration implies (401/403, 404 with path ids, 422, 412/428 with `ifMatch`...) are derived.
   */
  errors?: Readonly<Record<number, string>>;
  /** Media types of an answer the handler writes itself (a stream, a file); JSON when absent. */
  produces?: readonly string[];
  /** Optional request headers the handler reads, each with what it does (`Idempotency-Key`). */
  headers?: Readonly<Record<string, string>>;
  /** Returns the JSON body; return `undefined` after writing `res` yourself (streams, 204). */
  handler: (
    ctx: HandlerContext<B, Q, P, Perm extends 'public' ? Actor | null : Actor, V>,
  ) => Promise<unknown>;
}

/** A route with its types erased, as the registry stores it. */
export interface AnyRoute {
  method: Method;
  path: string;
  permission: RoutePermission;
  summary: string;
  tags?: string[];
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  ifMatch?: boolean;
  etag?: boolean;
  errors?: Readonly<Record<number, string>>;
  produces?: readonly string[];
  headers?: Readonly<Record<string, string>>;
  handler: (ctx: HandlerContext<unknown, unknown, unknown, Actor | null, boolean>) => Promise<unknown>;
}

export function defineRoute<
  Perm extends RoutePermission,
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  V extends boolean | undefined = undefined,
>(spec: RouteSpec<B, Q, P, Perm, V>): AnyRoute {
  return spec as unknown as AnyRoute;
}

/** How the registry learns who is calling and whether they may: provided by the auth module. */
export interface AccessControl {
  /** Resolves the caller from the request; throws UnauthorizedError when there is none. */
  authenticate(req: Request): Promise<Actor>;
  /** Throws ForbiddenError (and audits the refusal) when the actor lacks the permission. */
  authorize(actor: Actor, permission: Permission, req: Request): Promise<void>;
  /** Resolves the caller if credentials are present, else null (public routes). */
  identify(req: Request): Promise<Actor | null>;
}

/**
 * Registers routes; a route without a declared permission stops the start. Answers of every
 * non-public route (incident and identity data) carry `Cache-Control: no-store`, errors included. A
 * route listed in `limits` runs under its concurrency limit, taken once the caller is authorised (so
 * anonymous calls cannot use up the slots) and released when the handler ends.
 */
export function registerRoutes(
  router: Router,
  routes: readonly AnyRoute[],
  access: AccessControl,
  limits: readonly RouteLimit[] = [],
): void {
  for (const route of routes) {
    if (!(route as Partial<AnyRoute>).permission) {
      throw new Error(`Route ${route.method.toUpperCase()} ${route.path} declares no permission`);
    }
    const limit = limits.find((entry) => entry.method === route.method && entry.path === route.path)?.limit;
    router[route.method](route.path, async (req: Request, res: Response) => {
      let actor: Actor | null;
      if (route.permission === 'public') {
        actor = await access.identify(req);
      } else {
        res.set('Cache-Control', 'no-store');
        // No 304s: the answer is no-store, and its ETag is the version to send back as If-Match, not a
        // validator of this representation (notes, tasks and notification statuses move without it).
        delete req.headers['if-none-match'];
        delete req.headers['if-modified-since'];
        actor = await access.authenticate(req);
        await access.authorize(actor, route.permission, req);
      }
      res.locals.actor = actor;
      const release = limit?.acquire();
      try {
        const params = route.params ? parseOrThrow(route.params, req.params, 'params') : undefined;
        const query = route.query ? parseOrThrow(route.query, req.query, 'query') : undefined;
        let body: unknown;
        if (route.body) {
          if (!req.is('application/json')) {
            throw new UnsupportedMediaTypeError('Send the body as application/json.');
          }
          body = parseOrThrow(route.body, req.body, 'body');
        }
        const version = route.ifMatch ? expectedVersion(req, body, route.body !== undefined) : undefined;
        const result = await route.handler({ body, query, params, version, actor, req, res });
        if (result !== undefined && !res.headersSent) res.status(route.status ?? 200).json(result);
        else if (!res.headersSent) res.status(route.status ?? 204).end();
      } finally {
        release?.();
      }
    });
  }
}
