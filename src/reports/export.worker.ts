import type { WorkerSpec } from '../platform/queue/index.js';
import type { ExportService } from './export.service.js';

/**
 * The `exports` queue processor: the platform has validated `{ exportId }`; the service re-reads the
 * record, so a duplicate or retried job finds the export done, or starts it again from scratch.
 */
export function exportWorker(exports: ExportService): WorkerSpec<'exports'> {
  return {
    queue: 'exports',
    // Exports read whole collections: one at a time per process keeps the database responsive.
    concurrency: 1,
    process: (payload, job) =>
      exports.run(payload.exportId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1)),
  };
}
