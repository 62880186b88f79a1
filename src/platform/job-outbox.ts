import { z } from 'zod';
import { JOB_PAYLOADS, QUEUE_NAMES, type JobPayload, type QueueName } from '../jobs/index.js';

/**
 * The jobs a write causes, stored by that same write in the document's `pendingJobs` outbox beside
 * its `pendingAudit` drafts. The audit relay enqueues them under their deterministic ids and then
 * pulls them, so a crash between the write and the enqueue loses no job, and a repeat (two relays, a
 * crash after the enqueue) adds nothing BullMQ does not already hold, or runs a job that is safe to
 * run twice. No write listener, no follower of another queue: the write says what comes next.
 */
export const PENDING_JOBS_FIELD = 'pendingJobs';

export interface JobIntent<Q extends QueueName = QueueName> {
  queue: Q;
  /** Deterministic: the same fact always records the same id. */
  jobId: string;
  payload: JobPayload<Q>;
  /** Not before this time (a clock's timer); absent or past: at once. */
  runAt?: Date | null;
}

/** A job intent for queue `queue` (typed payload). */
export function jobIntent<Q extends QueueName>(
  queue: Q,
  jobId: string,
  payload: JobPayload<Q>,
  runAt?: Date | null,
): JobIntent<Q> {
  return { queue, jobId, payload, ...(runAt ? { runAt } : {}) };
}

const storedIntent = z.object({
  queue: z.enum(QUEUE_NAMES as [QueueName, ...QueueName[]]),
  jobId: z.string().min(1).max(200),
  payload: z.unknown(),
  runAt: z.coerce.date().nullish(),
});

/**
 * An intent as read back from a document: the queue must be known and the payload must fit it (a
 * stored intent is data from the store, checked like any other job payload). Null when it does not.
 */
export function parseStoredIntent(raw: unknown): JobIntent | null {
  const intent = storedIntent.safeParse(raw);
  if (!intent.success) return null;
  const payload = JOB_PAYLOADS[intent.data.queue].safeParse(intent.data.payload);
  if (!payload.success) return null;
  return {
    queue: intent.data.queue,
    jobId: intent.data.jobId,
    payload: payload.data as JobPayload<QueueName>,
    ...(intent.data.runAt ? { runAt: intent.data.runAt } : {}),
  };
}
