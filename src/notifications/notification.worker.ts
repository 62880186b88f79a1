import { UnrecoverableError, type Job } from 'bullmq';
import type { WorkerSpec } from '../platform/queue/index.js';
import type { MailDeliveryService } from './mail-delivery.service.js';
import { MissingSubjectError } from './notification-composer.js';

/** Raised to make BullMQ retry a notification with deferred recipients (exponential backoff). */
export class DeliveryDeferredError extends Error {
  override readonly name = 'DeliveryDeferredError';
}

/**
 * The `notifications` queue: payload `{ notificationId }`. Retries (transient SMTP failures) come
 * from throwing; a missing notification or one that failed for every recipient is unrecoverable.
 */
export function notificationWorker(delivery: MailDeliveryService): WorkerSpec<'notifications'> {
  return {
    queue: 'notifications',
    concurrency: 8,
    process: async ({ notificationId }, job: Job) => {
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      let run;
      try {
        run = await delivery.deliver(notificationId, { finalAttempt });
      } catch (err) {
        if (err instanceof MissingSubjectError) throw new UnrecoverableError(err.message);
        throw err;
      }
      if (run.deferred.length > 0) {
        const reasons = run.deferred.map((d) => `${d.recipient}: ${d.error}`).join('; ');
        throw new DeliveryDeferredError(`${run.deferred.length} recipient(s) deferred (${reasons})`);
      }
      if (run.status === 'failed') throw new UnrecoverableError('delivery failed for every recipient');
      return { status: run.status };
    },
  };
}
