import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { runWithContext } from '../context.js';

const ACCEPTABLE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request our own id, visible to logs and audit events and answered in X-Request-Id. A
 * caller's X-Request-Id (when sane) is kept as `clientRequestId` beside it: taken as ours, it would let
 * a caller choose, or reuse, the id our audit events and logs name.
 */
export const requestContext: RequestHandler = (req, res, next) => {
  const offered = req.get('x-request-id');
  const requestId = randomUUID();
  res.setHeader('X-Request-Id', requestId);
  const clientRequestId = offered && ACCEPTABLE_ID.test(offered) ? offered : undefined;
  runWithContext(clientRequestId ? { requestId, clientRequestId } : { requestId }, next);
};
