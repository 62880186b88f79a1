import type { Request } from 'express';
import { z } from 'zod';
import { BadRequestError, PreconditionRequiredError } from '../errors.js';
import { parseOrThrow } from './validate.js';

/** The weak ETag of a resource at `revision`: what a change sends back as If-Match. */
export const etagOf = (revision: number): string => `W/"${revision}"`;

const ETAG = /^(?:W\/)?"(\d{1,12})"$/;

/** The `version` field a change may carry instead of If-Match (clients that cannot set headers). */
export const versionField = z
  .number()
  .int()
  .min(0)
  .optional()
  .describe(
    'The revision you last read (the number in the ETag), when you cannot send If-Match. If-Match wins ' +
      'when both are sent; one of them is required (428 without either, 412 when it is not current).',
  );

const versionOnly = z.strictObject({ version: versionField });

/**
 * The version a change is based on: `If-Match` (`W/"7"` or `"7"`) wins over a body `version`.
 * Missing → 428, so a client cannot overwrite what it has not seen by forgetting the header. A route
 * without a body schema may still get `{ "version": n }` as its only body.
 */
export function expectedVersion(req: Request, parsedBody: unknown, hasBodySchema: boolean): number {
  const header = req.get('if-match');
  if (header !== undefined) {
    const match = ETAG.exec(header.trim());
    if (!match?.[1])
      throw new BadRequestError('If-Match must be an ETag we sent, e.g. W/"3".', 'bad_if_match');
    return Number(match[1]);
  }
  const body = hasBodySchema
    ? parsedBody
    : req.is('application/json')
      ? parseOrThrow(versionOnly, req.body ?? {}, 'body')
      : undefined;
  const version = (body as { version?: unknown } | undefined)?.version;
  if (typeof version !== 'number') throw new PreconditionRequiredError();
  return version;
}
