import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import {
  AppError,
  BadRequestError,
  ConflictError,
  InternalError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
} from '../errors.js';
import { currentContext } from '../context.js';
import { isDatabaseUnreachableError, isDuplicateKeyError } from '../db/connection.js';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Maps body-parser's own errors onto ours, so each gets its own status and code. */
function fromBodyParser(err: BodyParserError): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new BadRequestError('The body is not valid JSON.', 'malformed_json');
    case 'entity.too.large':
      return new PayloadTooLargeError('The body is larger than the server accepts.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError('Send the body as UTF-8 JSON.');
    default:
      return undefined;
  }
}

/** What a stream write reports when the client went away mid-answer. */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * True when the client closed the connection before the answer was complete (an aborted download):
 * nothing failed on our side and nobody is left to answer. A source failing mid-stream (a database
 * cursor) rejects with its own error, not one of these codes.
 */
function clientWentAway(err: unknown, req: Request, res: Response): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CLIENT_GONE.has(code) && !res.writableFinished && req.socket.destroyed;
}

/**
 * Any thrown value as one of the error family, for the API and the console alike: a duplicate key is a
 * 409, the store out of reach a 503, what is not known a 500 that keeps it as its cause.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // Repositories translate the duplicates they expect; this is the safety net for the rest.
  if (isDuplicateKeyError(err)) {
    return new ConflictError('A record with the same unique value already exists.', 'duplicate');
  }
  // The store restarting or out of reach: nothing was wrong with the request, and the same request a
  // little later may well succeed (a report with the same Idempotency-Key).
  if (isDatabaseUnreachableError(err)) {
    return new ServiceUnavailableError('The database is out of reach; retry shortly.', {
      headers: { 'Retry-After': '5' },
      cause: err,
    });
  }
  return (
    fromBodyParser(err as BodyParserError) ??
    new InternalError('An unexpected error occurred.', { cause: err })
  );
}

/** The single place where an error becomes an HTTP answer. No stack traces leave the server. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (clientWentAway(err, req, res)) {
      logger.info(
        { method: req.method, path: req.path },
        'client closed the connection before the answer ended',
      );
      res.destroy();
      return;
    }
    const appError = toAppError(err);
    // A 503 (a dependency down, a busy route) is an expected answer: a warning, without a stack.
    if (appError.status === 503) {
      const { code, status, details } = appError;
      logger.warn({ code, status, details }, appError.message);
    } else if (appError.status >= 500) logger.error({ err }, 'request failed');
    else logger.info({ code: appError.code, status: appError.status }, appError.message);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // An error is no version of anything: drop an ETag a handler set before failing, and write the
    // body without res.json, whose generated weak ETag (W/"5c-…") a client could send as If-Match.
    res.removeHeader('ETag');
    res.set(appError.headers);
    res
      .status(appError.status)
      .type('application/json')
      .end(
        JSON.stringify({
          error: {
            code: appError.code,
            message: appError.message,
            details: appError.details ?? null,
            requestId: currentContext()?.requestId ?? null,
          },
        }),
      );
  };
}

export const unknownRoute: RequestHandler = (req) => {
  throw new NotFoundError(`Route ${req.method} ${req.path}`);
};
