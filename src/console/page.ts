import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { ClientInfo, Language, Person } from '../accounts/index.js';
import type { Actor, RoutePermission } from '../auth/index.js';
import { BadRequestError, NotFoundError, ValidationError } from '../platform/index.js';
import type { AccessControl } from '../platform/http/index.js';

type Out<S> = S extends z.ZodType ? z.output<S> : S extends undefined ? undefined : unknown;

/** A page to show: a template under `templates/web/pages`, its data, and its title (a message key). */
export interface PageView {
  view: string;
  title: string;
  titleValues?: Record<string, unknown>;
  data: Record<string, unknown>;
  status?: number;
}

/** Where to send the browser next (303 See Other: the next request is a GET). */
export interface PageRedirect {
  redirect: string;
}

/**
 * The handler answered by itself through `ctx.res` (a file download, a small JSON status a page's
 * script polls): nothing is rendered after it.
 */
export interface PageSent {
  sent: true;
}

export type PageResult = PageView | PageRedirect | PageSent;

/** A problem with one form field, its message a catalogue key (or a service's text) and its values. */
export interface PageProblem {
  field: string;
  message: string;
  values?: Record<string, unknown>;
}

/** Everything a page handler gets: the signed-in person (null on public pages when nobody is). */
export interface PageContext<F, Q, P, A> {
  form: Out<F>;
  query: Out<Q>;
  params: Out<P>;
  actor: A;
  person: A extends Actor ? Person : Person | null;
  lang: Language;
  client: ClientInfo;
  req: Request;
  res: Response;
}

/** A console page as a declaration, like an API route: what it takes, who may see it, what it shows. */
export interface PageSpec<F, Q, P, Perm extends RoutePermission> {
  method: 'get' | 'post';
  /** Express path, e.g. `/console/incidents/:id`. */
  path: string;
  /** Required: the permission the person's role must hold, or 'public' (sign-in pages). */
  permission: Perm;
  /** The urlencoded form of a POST (zod; messages may be catalogue keys). The CSRF field is removed first. */
  form?: F;
  query?: Q;
  params?: P;
  /** Sign-in steps: counted against the per-address limit before anything else runs. */
  limited?: boolean;
  handler: (
    ctx: PageContext<F, Q, P, Perm extends 'public' ? Actor | null : Actor>,
  ) => PageResult | Promise<PageResult>;
  /**
   * A form page shown again, with status 422, when the form does not parse or the handler throws a
   * ValidationError: gets the problems by field and the submitted values (never passwords).
   */
  invalid?: (
    ctx: PageContext<undefined, Q, P, Perm extends 'public' ? Actor | null : Actor>,
    problems: PageProblem[],
    values: Record<string, string>,
  ) => PageView | Promise<PageView>;
}

/** A page with its types erased, as the registry stores it. */
export interface AnyPage {
  method: 'get' | 'post';
  path: string;
  permission: RoutePermission;
  form?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  limited?: boolean;
  handler: (ctx: PageContext<unknown, unknown, unknown, Actor | null>) => PageResult | Promise<PageResult>;
  invalid?: (
    ctx: PageContext<undefined, unknown, unknown, Actor | null>,
    problems: PageProblem[],
    values: Record<string, string>,
  ) => PageView | Promise<PageView>;
}

export function definePage<
  Perm extends RoutePermission,
  F extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(spec: PageSpec<F, Q, P, Perm>): AnyPage {
  return spec as unknown as AnyPage;
}

/** What the session middleware found out about the request (`res.locals.console`). */
export interface ConsoleLocals {
  person: Person | null;
  actor: Actor | null;
  lang: Language;
}

export function consoleLocals(res: Response): ConsoleLocals {
  const locals = res.locals.console as ConsoleLocals | undefined;
  if (!locals) throw new Error('console session middleware did not run');
  return locals;
}

export function clientOf(req: Request): ClientInfo {
  return { ip: req.ip ?? 'unknown', userAgent: req.get('user-agent')?.slice(0, 300) ?? null };
}

/** zod issues as page problems: a custom message is a catalogue key; the usual checks get their own. */
export function pageProblems(issues: readonly z.core.$ZodIssue[]): PageProblem[] {
  return issues.map((issue) => {
    const field = issue.path.map(String).join('.') || 'form';
    if (issue.message.startsWith('validation.')) return { field, message: issue.message };
    switch (issue.code) {
      case 'too_small':
        return Number(issue.minimum) <= 1
          ? { field, message: 'validation.required' }
          : { field, message: 'validation.tooShort', values: { minimum: Number(issue.minimum) } };
      case 'too_big':
        return { field, message: 'validation.tooLong', values: { maximum: Number(issue.maximum) } };
      case 'invalid_format':
        return { field, message: issue.format === 'email' ? 'validation.email' : 'validation.invalid' };
      case 'invalid_value':
        return { field, message: 'validation.choice' };
      case 'invalid_type':
        return { field, message: 'validation.required' };
      default:
        return { field, message: 'validation.invalid' };
    }
  });
}

/** A service's ValidationError as page problems (`body.x` paths name the form field `x`). */
function serviceProblems(err: ValidationError): PageProblem[] {
  return err.problems.map((problem) => ({
    field: problem.path.replace(/^body\./, ''),
    message: problem.message,
  }));
}

/** Form values to show again: never a password or the CSRF token. */
function echoValues(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>)
      .filter(([key, value]) => typeof value === 'string' && key !== '_csrf' && !/password/i.test(key))
      .map(([key, value]) => [key, value as string]),
  );
}

/** Same-site paths under /console only: `next` and `back` must never send anyone elsewhere. */
export function safeReturnPath(value: unknown, fallback = '/console'): string {
  if (typeof value !== 'string') return fallback;
  return /^\/console(?:[/?#][^\s\\]*)?$/.test(value) && !value.startsWith('//') ? value : fallback;
}

export interface PageRegistryDeps {
  access: AccessControl;
  /** Renders a view as a whole page (layout data added). */
  render(req: Request, res: Response, view: PageView): void;
  /** CSRF check for state-changing requests (csrf-sync). */
  csrf: RequestHandler;
  /** The per-address limit of sign-in steps. */
  limit: RequestHandler[];
}

/**
 * Registers pages; a page without a declared permission stops the start. A protected page asked for
 * without a session sends the browser to sign in and back here afterwards; a role without the
 * permission gets the 403 page (and the refusal is audited, as on the API). Every POST passes the
 * CSRF check before its form is read.
 */
export function registerPages(router: Router, pages: readonly AnyPage[], deps: PageRegistryDeps): void {
  for (const page of pages) {
    if (!(page as Partial<AnyPage>).permission) {
      throw new Error(`Page ${page.method.toUpperCase()} ${page.path} declares no permission`);
    }
    const before: RequestHandler[] = [...(page.limited ? deps.limit : [])];
    if (page.method === 'post') before.push(deps.csrf);
    router[page.method](page.path, ...before, async (req: Request, res: Response) => {
      const { actor, person, lang } = consoleLocals(res);
      res.set('Cache-Control', 'no-store');
      if (page.permission !== 'public') {
        if (!actor) {
          const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
          res.redirect(303, `/console/login${next}`);
          return;
        }
        await deps.access.authorize(actor, page.permission, req);
      }
      const base = { actor, person, lang, client: clientOf(req), req, res };
      const params = page.params
        ? parseOrProblems(page.params, req.params)
        : { ok: true as const, value: undefined };
      const query = page.query
        ? parseOrProblems(page.query, req.query)
        : { ok: true as const, value: undefined };
      // A malformed id in the path is an address that leads nowhere; a bad query is a bad request.
      if (!params.ok) throw new NotFoundError('Page');
      if (!query.ok) throw new BadRequestError('The address of this page has invalid parameters.');
      const ctx = { ...base, params: params.value, query: query.value, form: undefined as unknown };
      const show = async (problems: PageProblem[]): Promise<void> => {
        if (!page.invalid)
          throw new ValidationError(problems.map((p) => ({ path: p.field, message: p.message })));
        const view = await page.invalid({ ...ctx, form: undefined }, problems, echoValues(req.body));
        deps.render(req, res, { ...view, status: 422 });
      };
      if (page.form) {
        const { _csrf: _token, ...fields } = (req.body ?? {}) as Record<string, unknown>;
        const form = parseOrProblems(page.form, fields);
        if (!form.ok) {
          await show(form.problems);
          return;
        }
        ctx.form = form.value;
      }
      let result: PageResult;
      try {
        result = await page.handler(ctx);
      } catch (err) {
        if (err instanceof ValidationError && page.invalid) {
          await show(serviceProblems(err));
          return;
        }
        throw err;
      }
      if ('sent' in result) return;
      if ('redirect' in result) res.redirect(303, result.redirect);
      else deps.render(req, res, result);
    });
  }
}

function parseOrProblems(
  schema: z.ZodType,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; problems: PageProblem[] } {
  const result = schema.safeParse(value);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: pageProblems(result.error.issues) };
}
