import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import {
  AppError,
  BadRequestError,
  ConflictError,
  InternalError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../errors.js';
import { currentContext } from '../context.js';
import { isDuplicateKeyError } from '../db/connection.js';

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

/** The single place where an error becomes an HTTP answer. No stack traces leave the server. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const appError =
      err instanceof AppError
        ? err
        : isDuplicateKeyError(err)
          ? // Repositories translate the duplicates they expect; this is the safety net for the rest.
            new ConflictError('A record with the same unique value already exists.', 'duplicate')
          : (fromBodyParser(err as BodyParserError) ??
            new InternalError('An unexpected error occurred.', { cause: err }));
    if (appError.status >= 500) logger.error({ err }, 'request failed');
    else logger.info({ code: appError.code, status: appError.status }, appError.message);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.set(appError.headers);
    res.status(appError.status).json({
      error: {
        code: appError.code,
        message: appError.message,
        details: appError.details ?? null,
        requestId: currentContext()?.requestId ?? null,
      },
    });
  };
}

export const unknownRoute: RequestHandler = (req) => {
  throw new NotFoundError(`Route ${req.method} ${req.path}`);
};
