import { UnrecoverableError } from 'bullmq';
import type { WorkerSpec } from '../platform/queue/index.js';
import type { IncidentNotificationDispatcher } from './incident-notification.dispatcher.js';

/**
 * The `dispatch` queue: payload `{ incidentId, round, decisionId }`, job id `<incidentId>-n<revision>`,
 * recorded by the triage write of a decision that owes new notifications. Requests every notification
 * the decision's record owes (each is
 * idempotent by its key, so a re-run, or a later round's job, requests nothing twice); a transient
 * failure (the store away) is thrown and retried. An incident that does not exist is unrecoverable.
 */
export function dispatchWorker(dispatcher: IncidentNotificationDispatcher): WorkerSpec<'dispatch'> {
  return {
    queue: 'dispatch',
    concurrency: 4,
    process: async ({ incidentId, round, decisionId }) => {
      const run = await dispatcher.dispatch(incidentId, decisionId);
      if (!run) throw new UnrecoverableError(`incident ${incidentId} not found (dispatch round ${round})`);
      return Object.fromEntries(run);
    },
  };
}
