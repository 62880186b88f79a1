import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_PAYLOADS, QUEUE_NAMES, type JobPayload, type QueueName } from '../../jobs/index.js';
import { ServiceUnavailableError } from '../errors.js';

/** Retries with exponential backoff unless a queue says otherwise; old jobs are trimmed. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

/** How long a producer waits for Redis before giving up on an add. */
const ADD_TIMEOUT_MS = 1500;

/** The queues of the system, typed by name, shared by the API (producer) and the workers. */
export class QueueRegistry {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    readonly prefix: string,
  ) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      queue.on('error', () => undefined); // connection errors are logged once by the connection itself
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Adds a job after validating its payload. A job id makes the add idempotent: BullMQ ignores a second
   * add with the id of a job it still holds. Throws ServiceUnavailableError when Redis is unreachable.
   */
  async add<Q extends QueueName>(
    name: Q,
    payload: JobPayload<Q>,
    options: JobsOptions & { jobId: string },
  ): Promise<void> {
    const data = JOB_PAYLOADS[name].parse(payload);
    // BullMQ waits for the connection to be ready before it sends anything, however long Redis is
    // away; a producer (an API request) must fail fast instead and leave the work to a reconciler.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`Redis did not answer within ${ADD_TIMEOUT_MS} ms`));
      }, ADD_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.queue(name).add(name, data, options), timeout]);
    } catch (err) {
      throw new ServiceUnavailableError(`Queue ${name} is unavailable.`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waiting, active, delayed and failed counts per queue (metrics, dashboard). */
  async depths(): Promise<Record<QueueName, Record<string, number>>> {
    const entries = await Promise.all(
      QUEUE_NAMES.map(
        async (name) =>
          [name, await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed')] as const,
      ),
    );
    return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
