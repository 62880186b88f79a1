import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerSpec } from '../platform/queue/index.js';

/** A platform self-test job: proves a round trip through Redis and a worker, and drains on SIGTERM. */
export const echoWorker: WorkerSpec<'echo'> = {
  queue: 'echo',
  concurrency: 2,
  process: async ({ value, sleepMs }) => {
    if (sleepMs > 0) await sleep(sleepMs);
    return { echoed: value, pid: process.pid };
  },
};
