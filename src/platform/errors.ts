/** A problem with one field of the input, by its path (`times.awareAt`, `indicators.3.value`). */
export interface FieldProblem {
  path: string;
  message: string;
  /** The values the field may take, when they are few and known (the incident's obligation names). */
  allowed?: readonly string[];
}

interface AppErrorOptions {
  details?: unknown;
  help?: string;
  cause?: unknown;
  headers?: Record<string, string>;
}

/**
 * The one error family of the system. Each subclass fixes the HTTP status and a stable machine code;
 * the error handler turns any of them into `{ error: { code, message, details, requestId } }`.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly details: unknown;
  readonly help: string | undefined;
  readonly headers: Record<string, string>;

  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
    this.help = options.help;
    this.headers = options.headers ?? {};
  }
}

export class BadRequestError extends AppError {
  readonly status = 400;
  constructor(
    message: string,
    readonly code = 'bad_request',
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

export class ValidationError extends AppError {
  readonly status = 422;
  readonly code = 'validation_failed';
  constructor(
    readonly problems: FieldProblem[],
    message = 'The request has invalid fields.',
  ) {
    super(message, { details: problems });
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthenticated';
  constructor(message = 'A valid API key is required.') {
    super(message, { headers: { 'WWW-Authenticate': 'Bearer realm="govcert"' } });
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
  constructor(message = 'Your role does not allow this action.', options?: AppErrorOptions) {
    super(message, options);
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
  constructor(what = 'Resource') {
    super(`${what} not found.`);
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  constructor(
    message: string,
    readonly code = 'conflict',
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

export class PreconditionFailedError extends AppError {
  readonly status = 412;
  readonly code = 'precondition_failed';
  constructor(
    message = 'The resource changed since you read it; reload and retry.',
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

/** 428: a change was sent without the version it was based on (no If-Match, no `version`). */
export class PreconditionRequiredError extends AppError {
  readonly status = 428;
  readonly code = 'precondition_required';
  constructor() {
    super('Send the version you last read: an If-Match header with the ETag, or a "version" field.', {
      help: 'GET the resource, then send its ETag (W/"<revision>") as If-Match.',
    });
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

export class RateLimitedError extends AppError {
  readonly status = 429;
  readonly code = 'rate_limited';
  constructor(retryAfterSeconds: number) {
    super('Too many requests; slow down.', { headers: { 'Retry-After': String(retryAfterSeconds) } });
  }
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'service_unavailable';
}

/**
 * The process refuses to start: its stored configuration is incomplete in a way only an operator can
 * fix (the help text says how). Never answered over HTTP; `launch` logs it and exits.
 */
export class StartRefusedError extends AppError {
  readonly status = 500;
  constructor(
    message: string,
    readonly code: string,
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

export class InternalError extends AppError {
  readonly status = 500;
  readonly code = 'internal_error';
}
