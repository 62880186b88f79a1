import { UnrecoverableError } from 'bullmq';
import type { WorkerSpec } from '../platform/queue/index.js';
import type { IncidentNotificationDispatcher } from './incident-notification.dispatcher.js';

/**
 * The `dispatch` queue: payload `{ incidentId, round }`, job id `<incidentId>-n<revision>`, recorded by
 * the triage write that stores the notification specs. Requests every spec of the incident (each is
 * idempotent by its key, so a re-run, or a later round's job, requests nothing twice); a transient
 * failure (the store away) is thrown and retried. An incident that does not exist is unrecoverable.
 */
export function dispatchWorker(dispatcher: IncidentNotificationDispatcher): WorkerSpec<'dispatch'> {
  return {
    queue: 'dispatch',
    concurrency: 4,
    process: async ({ incidentId, round }) => {
      const run = await dispatcher.dispatch(incidentId);
      if (!run) throw new UnrecoverableError(`incident ${incidentId} not found (dispatch round ${round})`);
      return Object.fromEntries(run);
    },
  };
}
