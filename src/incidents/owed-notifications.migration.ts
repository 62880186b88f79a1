import type { Migration } from '../platform/db/index.js';
import type { OwedNotification } from '../triage/index.js';
import type { IncidentRepository } from './incident.repository.js';

/** Where the migration adds what an incident owed (triage's `DecisionRecords`). */
interface OwedSink {
  addOwed(decisionId: string, owed: readonly OwedNotification[]): Promise<boolean>;
}

const BATCH = 100;

/**
 * Incidents as the versions before stored the notifications they owe: the list moves to the record of
 * the decision in force (merged by key, with the statuses as stored, so a spec an earlier version
 * settled stays settled), then leaves the incident. Record first: a crash in between leaves both,
 * and a repeat merges nothing twice and only drops the incident's. An incident stored before decision
 * records (no `triage.decisionId`) is left to `2026-12-triage-decision-records`, which moves its list
 * with its decision; one not triaged owes nothing and only loses the empty list. The incident's
 * revision does not move.
 */
export function owedNotificationsMigration(incidents: IncidentRepository, decisions: OwedSink): Migration {
  return {
    id: '2026-12-notifications-owed',
    description: 'the notifications an incident owes move to its triage decision record',
    async run() {
      let changed = 0;
      for await (const batch of incidents.storedWithNotifications(BATCH)) {
        for (const stored of batch) {
          if (stored.triaged && stored.decisionId === null) continue;
          if (stored.decisionId !== null && stored.notifications.length > 0) {
            // A record the incident names but the store lacks: keep the list where it is.
            if (!(await decisions.addOwed(stored.decisionId, stored.notifications))) continue;
          }
          await incidents.dropNotifications(stored.id);
          changed++;
        }
      }
      return { changed };
    },
  };
}
