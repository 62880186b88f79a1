import type { Request } from 'express';
import { AppError, BadRequestError } from '../platform/errors.js';

/** 428: a change was sent without the version it was based on. */
export class PreconditionRequiredError extends AppError {
  readonly status = 428;
  readonly code = 'precondition_required';
  constructor() {
    super('Send the version you last read: an If-Match header with the ETag, or a "version" field.', {
      help: 'GET the incident, then send its ETag (W/"<revision>") as If-Match.',
    });
  }
}

/** The weak ETag of an incident at `revision`. */
export const etagOf = (revision: number): string => `W/"${revision}"`;

const ETAG = /^(?:W\/)?"(\d{1,12})"$/;

/**
 * The version a change is based on: `If-Match` (`W/"7"` or `"7"`) wins over a body `version`.
 * Missing → 428, so a client cannot overwrite what it has not seen by forgetting the header.
 */
export function expectedVersion(req: Request, bodyVersion: number | undefined): number {
  const header = req.get('if-match');
  if (header !== undefined) {
    const match = ETAG.exec(header.trim());
    if (!match?.[1])
      throw new BadRequestError('If-Match must be the ETag of the incident, e.g. W/"3".', 'bad_if_match');
    return Number(match[1]);
  }
  if (bodyVersion === undefined) throw new PreconditionRequiredError();
  return bodyVersion;
}
