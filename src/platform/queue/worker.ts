import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JOB_PAYLOADS, type JobPayload, type QueueName } from '../../jobs/index.js';
import { runWithContext } from '../context.js';
import type { Metrics } from '../metrics.js';

export interface WorkerSpec<Q extends QueueName = QueueName> {
  queue: Q;
  /** Jobs processed at once by this process. */
  concurrency?: number;
  /** Must be idempotent: re-read state by id, do nothing when the work is already done. */
  process: (payload: JobPayload<Q>, job: Job) => Promise<unknown>;
}

export interface WorkerDeps {
  connection: Redis;
  prefix: string;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Starts a BullMQ worker around a processor: validates the payload (a malformed one can never succeed,
 * so it skips retries), runs it with the job id in the log context, and times it.
 */
export function startWorker<Q extends QueueName>(spec: WorkerSpec<Q>, deps: WorkerDeps): Worker {
  const worker = new Worker(
    spec.queue,
    async (job: Job) => {
      const parsed = JOB_PAYLOADS[spec.queue].safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`invalid ${spec.queue} payload: ${parsed.error.message}`);
      const stopTimer = deps.metrics.jobDuration.startTimer({ queue: spec.queue });
      let outcome = 'failed';
      try {
        const result = await runWithContext({ requestId: `job-${job.id ?? 'unknown'}`, jobId: job.id }, () =>
          spec.process(parsed.data as JobPayload<Q>, job),
        );
        outcome = 'completed';
        return result;
      } finally {
        stopTimer({ outcome });
      }
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: spec.concurrency ?? 4, autorun: true },
  );
  worker.on('failed', (job, err) => {
    deps.logger.warn(
      { queue: spec.queue, jobId: job?.id, attempts: job?.attemptsMade, err: err.message },
      'job failed',
    );
  });
  worker.on('error', (err) => {
    deps.logger.warn({ queue: spec.queue, err: err.message }, 'worker error');
  });
  return worker;
}

/** Stops taking jobs, lets running ones finish for up to `timeoutMs`, then forces the close. */
export async function drainWorkers(
  workers: readonly Worker[],
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  const graceful = Promise.all(workers.map((worker) => worker.close()));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, timeoutMs);
  });
  const outcome = await Promise.race([graceful.then(() => 'drained' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    // Jobs still running are left to BullMQ's stalled-job check: another worker picks them up again.
    logger.warn({ timeoutMs }, 'workers did not drain in time; forcing close');
    await Promise.all(workers.map((worker) => worker.close(true)));
  }
}
