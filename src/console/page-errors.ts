import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { NotFoundError, currentContext, type AppError } from '../platform/index.js';
import { toAppError } from '../platform/http/index.js';
import type { Language } from '../accounts/index.js';
import type { Translator } from './i18n.js';
import type { ConsoleLocals } from './page.js';
import type { Renderer } from './render.js';

const langOf = (res: { locals: Record<string, unknown> }): Language =>
  (res.locals.console as ConsoleLocals | undefined)?.lang ?? 'en';

const KNOWN_STATUS = new Set([400, 401, 403, 404, 409, 412, 413, 415, 422, 429, 500, 503]);

/** The message key (and values) a page shows for an error, by its code. */
function messageOf(err: AppError): { key: string; values?: Record<string, unknown> } {
  switch (err.code) {
    case 'not_found':
      return { key: 'errors.message.not_found' };
    case 'forbidden':
      return { key: 'errors.message.forbidden' };
    case 'rate_limited':
      return { key: 'errors.message.rate_limited' };
    case 'service_unavailable':
      return { key: 'errors.message.unavailable' };
    case 'internal_error':
      return { key: 'errors.message.internal' };
    default:
      return { key: 'errors.message.other', values: { message: err.message } };
  }
}

/** csrf-sync's refusal (an http-errors object with this code). */
const isCsrfRefusal = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'EBADCSRFTOKEN';

/**
 * The one place where an error on a console page becomes a page: the error family's status and a
 * message in the person's language; a refused CSRF token is a 403 saying the form expired. Like the
 * API's handler, no stack leaves the server and 5xx are logged with theirs.
 */
export function pageErrorHandler(
  logger: Logger,
  render: Renderer,
  translator: Translator,
): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status: number;
    let message: { key: string; values?: Record<string, unknown> };
    if (isCsrfRefusal(err)) {
      status = 403;
      message = { key: 'errors.message.csrf' };
      logger.info({ path: req.path }, 'console form refused: CSRF token missing or wrong');
    } else {
      const appError = toAppError(err);
      status = appError.status;
      message = messageOf(appError);
      if (status >= 500 && status !== 503) logger.error({ err }, 'console page failed');
      else logger.info({ code: appError.code, status, path: req.path }, appError.message);
      res.set(appError.headers);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const shown = KNOWN_STATUS.has(status) ? status : 500;
    try {
      render(req, res, {
        view: 'error',
        title: `errors.title.${String(shown)}`,
        data: { error: { message: translator.t(langOf(res), message.key, message.values) } },
        status,
      });
    } catch (renderErr) {
      // The error page itself failed (a template bug, no session): answer plainly rather than not at all.
      logger.error({ err: renderErr }, 'console error page failed to render');
      res
        .status(status)
        .type('text')
        .send(`Error ${String(status)}. Reference: ${currentContext()?.requestId ?? '-'}`);
    }
  };
}

/** Any console address no page answers. */
export const unknownPage: RequestHandler = () => {
  throw new NotFoundError('Page');
};
