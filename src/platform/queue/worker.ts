import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JOB_PAYLOADS, type JobPayload, type QueueName } from '../../jobs/index.js';
import { runWithContext } from '../context.js';
import type { Metrics } from '../metrics.js';
import type { RequestPressure } from '../request-pressure.js';

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
  /** The API's requests in this process, when it serves them too: a job waits while they are high. */
  pressure?: RequestPressure | null;
}

/**
 * Lock and stall settings of every worker (all workers of a queue must agree: any of them may run
 * the stalled-job check). A job "stalls" when its worker stops renewing the lock: killed, SIGSTOPped,
 * or its event loop blocked for longer than `lockDuration`. The check puts it back in `wait` for
 * another worker and counts; past `maxStalledCount` the job is failed for good. BullMQ's default of 1
 * fails a job whose worker was killed or paused twice, and a failed job keeps its id for 14 days, so
 * a reconciler's re-add with that id is a no-op: the work is lost. Our processors are idempotent (the
 * notification ledger's lease keeps a re-run from sending while a paused run still holds a row), so a
 * stall costs a re-run and nothing else: allow 10, still bounded so that a job which itself kills its
 * worker (a poison payload) stops after 11 crashes instead of taking workers down forever.
 * `lockDuration` stays at 30 s: a longer lock delays the take-over after a crash by as much (the lock
 * plus up to one `stalledInterval`), a shorter one turns ordinary event-loop pauses into stalls, and a
 * pause longer than any lock is possible anyway, which is why correctness rests on idempotency and
 * leases, not on the lock.
 */
const WORKER_LOCKS = { lockDuration: 30_000, stalledInterval: 30_000, maxStalledCount: 10 } as const;

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
      await deps.pressure?.eased();
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
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: spec.concurrency ?? 4,
      autorun: true,
      ...WORKER_LOCKS,
    },
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
