import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { WorkerSpec } from '../platform/queue/index.js';
import type { MailDeliveryService } from './mail-delivery.service.js';
import { MissingSubjectError } from './notification-composer.js';

/** Raised to make BullMQ retry a notification with deferred recipients (exponential backoff). */
export class DeliveryDeferredError extends Error {
  override readonly name = 'DeliveryDeferredError';
}

/** A re-run waits this long past the lease it found, so the holder's own outcome write lands first. */
const AFTER_LEASE_MS = 1000;

/**
 * The `notifications` queue: payload `{ notificationId }`. Retries (transient SMTP failures) come
 * from throwing; a missing notification or one that failed for every recipient is unrecoverable.
 * A run that finds a recipient's row held by another run's live claim (its first run paused past the
 * job lock, or dead with the lease still running) neither completes nor fails: the job is moved to
 * `delayed` until that lease ends, which BullMQ does not count as an attempt, so the mail still goes
 * out if the holder never comes back, and the wait can never use up the job's attempts.
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
      if (run.busyUntil !== null) {
        await job.moveToDelayed(run.busyUntil.getTime() + AFTER_LEASE_MS, job.token);
        throw new DelayedError(`a delivery is held by another run until ${run.busyUntil.toISOString()}`);
      }
      if (run.status === 'failed') throw new UnrecoverableError('delivery failed for every recipient');
      return { status: run.status };
    },
  };
}
