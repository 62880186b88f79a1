import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { runWithContext } from '../context.js';

const ACCEPTABLE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Gives every request an id (the caller's X-Request-Id when sane) visible to logs and audit events. */
export const requestContext: RequestHandler = (req, res, next) => {
  const offered = req.get('x-request-id');
  const requestId = offered && ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  runWithContext({ requestId }, next);
};
