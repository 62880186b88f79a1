import type { Migration } from '../platform/db/index.js';
import { decisionRecordId, type TriageDecisionRecord } from '../triage/index.js';
import type { IncidentRepository, StoredBeforeDecisionRecords } from './incident.repository.js';

/** Where the migration stores the records (triage's `DecisionRecords`). */
interface DecisionRecordSink {
  record(record: TriageDecisionRecord): Promise<void>;
}

const BATCH = 100;

/** The record of a decision the earlier version kept on the incident, with the specs still to merge. */
function recordOf(
  stored: StoredBeforeDecisionRecords,
  triage: NonNullable<StoredBeforeDecisionRecords['triage']>,
  id: string,
  pendingSpecs: StoredBeforeDecisionRecords['clocks'],
): TriageDecisionRecord {
  return {
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
    reasons: triage.reasons ?? [],
    escalation: triage.escalation,
    clocks: pendingSpecs,
    // What that version stored on the incident: the decision's own specs are not kept apart.
    notifications: [],
    owed: stored.notifications,
  };
}

/** How one stored incident is converted: the record to store first, then the incident's fields. */
function conversionOf(stored: StoredBeforeDecisionRecords): {
  record: TriageDecisionRecord | null;
  set: Record<string, unknown>;
  unset: string[];
} {
  const unset = ['clockLedger'];
  const { triage } = stored;
  if (!triage) return { record: null, set: {}, unset };
  // A re-triage stored its bare specs in `clocks`, the progress in `clockLedger`, until the clock
  // service merged them: those specs are the record's, the progress becomes the clocks, and the
  // clocks follow no decision yet, so the next clock write merges them.
  const waiting = stored.clocks.some((clock) => clock.state === undefined) && stored.clockLedger.length > 0;
  const decisionId = triage.decisionId ?? decisionRecordId(stored.id, triage.round, triage.inputHash);
  const set: Record<string, unknown> = waiting
    ? { clocks: stored.clockLedger, clocksDecisionId: null }
    : { clocksDecisionId: decisionId };
  if (triage.reasons === undefined) return { record: null, set, unset };
  return {
    record: recordOf(stored, triage, decisionId, waiting ? stored.clocks : []),
    set: { ...set, 'triage.decisionId': decisionId },
    unset: [...unset, 'triage.reasons', 'notifications'],
  };
}

/**
 * Incidents as the version before decision records stored them: each decision becomes its own
 * record (reasons, ladder, and the clock specs of a re-triage not merged yet), the incident keeps the
 * summary naming it, and the second copy of the clocks (`clockLedger`) goes. Record first, then the
 * incident, conditional on its revision and clock sequence as read: a repeat, or another process
 * migrating at the same time, changes nothing twice; an incident that moved is read again.
 */
export function decisionRecordsMigration(
  incidents: IncidentRepository,
  decisions: DecisionRecordSink,
): Migration {
  return {
    id: '2026-12-triage-decision-records',
    description: 'triage decisions move to their own records (triage_decisions); one copy of the clocks',
    async run() {
      let changed = 0;
      // Each pass converts what it read; an incident that moved meanwhile waits for the next pass.
      for (let pass = 0; pass < 5; pass++) {
        let left = 0;
        for await (const batch of incidents.storedBeforeDecisionRecords(BATCH)) {
          for (const stored of batch) {
            const { record, set, unset } = conversionOf(stored);
            if (record) await decisions.record(record);
            if (await incidents.convertStored(stored, set, unset)) changed++;
            else left++;
          }
        }
        if (left === 0) return { changed };
      }
      throw new Error('incidents kept changing while they were migrated; run `govcert migrate` again');
    },
  };
}
