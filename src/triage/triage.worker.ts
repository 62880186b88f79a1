import { UnrecoverableError } from 'bullmq';
import { NotFoundError } from '../platform/index.js';
import type { WorkerSpec } from '../platform/queue/index.js';
import type { TriageService } from './triage.service.js';

/**
 * The triage queue's processor: thin, the service does the work. A missing incident can never
 * succeed, so it skips the retries; anything else is thrown for BullMQ to retry with backoff.
 */
export function triageWorker(service: TriageService, concurrency: number): WorkerSpec<'triage'> {
  return {
    queue: 'triage',
    concurrency,
    process: async ({ incidentId, reason }) => {
      try {
        return { outcome: await service.triage(incidentId, new Date(), reason) };
      } catch (err) {
        if (err instanceof NotFoundError) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
  };
}
