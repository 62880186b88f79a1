import type { Migration } from '../platform/db/index.js';
import { decisionRecordId, type TriageDecisionRecord } from '../triage/index.js';
import type { IncidentRepository } from './incident.repository.js';

/** Where the migration stores the records (triage's `DecisionRecords`). */
interface DecisionRecordSink {
  record(record: TriageDecisionRecord): Promise<void>;
}

const BATCH = 100;

/**
 * Decisions stored on incidents by the version before decision records: each becomes its own record
 * (reasons and ladder; the clocks and notifications it called for stay on the incident, where that
 * version kept them, so the record's lists are empty) and the incident keeps the summary naming it.
 * Record first, then the incident, each step conditional: a repeat, or another process running it at
 * the same time, changes nothing twice.
 */
export function decisionRecordsMigration(
  incidents: IncidentRepository,
  decisions: DecisionRecordSink,
): Migration {
  return {
    id: '2026-12-triage-decision-records',
    description: 'triage decisions move from the incident to their own records (triage_decisions)',
    async run() {
      let changed = 0;
      for await (const batch of incidents.withDecisionDetail(BATCH)) {
        for (const stored of batch) {
          const { triage } = stored;
          const id = decisionRecordId(stored.id, triage.round, triage.inputHash);
          await decisions.record({
            id,
            incidentId: stored.id,
            bureauId: stored.bureauId,
            round: triage.round,
            policyVersion: triage.policyVersion,
            inputHash: triage.inputHash,
            decidedAt: triage.decidedAt,
            severity: triage.severity,
            categoryClass: triage.categoryClass,
            reportable: triage.reportable,
            queue: triage.queue,
            regimes: triage.regimes,
            reasons: triage.reasons,
            escalation: triage.escalation,
            clocks: [],
            notifications: [],
          });
          if (await incidents.nameDecisionRecord(stored.id, triage.inputHash, id)) changed++;
        }
      }
      return { changed };
    },
  };
}
