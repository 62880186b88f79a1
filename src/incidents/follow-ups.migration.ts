import type { Migration } from '../platform/db/index.js';
import type { IncidentRepository } from './incident.repository.js';
import type { UpdateRecordRepository } from './update-record.repository.js';

const BATCH = 100;

/**
 * Incidents as the versions before stored the bureau's follow-ups: each entry of the `updates` list
 * becomes its record (`<id>-u<n>`, in the list's order, as already applied: no input to merge), then
 * the list leaves the incident and its count stays. Records first: a crash in between leaves both,
 * and a repeat keeps the records already written and only replaces the list. The incident's revision
 * does not move, nor does the audit trail: each follow-up's event was chained when it was made.
 */
export function followUpsMigration(
  incidents: IncidentRepository,
  records: UpdateRecordRepository,
): Migration {
  return {
    id: '2026-12-bureau-follow-ups',
    description: "the bureau's follow-ups move from the incident to records of their own",
    async run() {
      let changed = 0;
      for await (const batch of incidents.storedWithUpdateList(BATCH)) {
        for (const stored of batch) {
          await records.insertMoved(
            stored.updates.map((entry, index) => ({
              incidentId: stored.id,
              bureauId: stored.bureauId,
              seq: index + 1,
              entry,
              input: null,
            })),
          );
          await incidents.replaceUpdateList(stored.id, stored.updates.length);
          changed++;
        }
      }
      return { changed };
    },
  };
}
