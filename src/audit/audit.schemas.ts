import { z } from 'zod';
import { MAX_PAGE_SIZE } from './audit.service.js';

const isoInstant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

/** Query of `GET /api/v1/audit/events`. */
export const listEventsQuery = z.strictObject({
  subjectType: z.string().min(1).max(40).optional(),
  subjectId: z.string().min(1).max(200).optional(),
  bureauId: z.string().min(1).max(40).optional(),
  action: z.string().min(1).max(100).optional(),
  actorUserId: z.string().min(1).max(200).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  /** Cursor: the `nextCursor` of the previous page (a seq). */
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
});

/** Query of `GET /api/v1/audit/verify`. */
export const verifyQuery = z.strictObject({
  subjectId: z.string().min(1).max(200).optional(),
});
