import type { WorkerSpec } from '../platform/queue/index.js';
import type { IncidentFollowUps } from './follow-ups.js';

/**
 * The `updates` queue's processor: applies the incident's recorded follow-ups. The request that
 * recorded one has almost always applied it already, so the job finds nothing to do; it is there for
 * the request that died between its two writes.
 */
export function followUpWorker(followUps: IncidentFollowUps, concurrency = 4): WorkerSpec<'updates'> {
  return {
    queue: 'updates',
    concurrency,
    process: async ({ incidentId }) => {
      const incident = await followUps.apply(incidentId);
      return { updateCount: incident?.updateCount ?? null };
    },
  };
}
