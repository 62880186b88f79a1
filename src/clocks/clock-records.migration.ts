import type { Migration } from '../platform/db/index.js';
import type { ClockMilestones } from './clock-facts.js';
import type { ClockRecord } from './clock-record.js';
import type { ClockRecordRepository } from './clock-record.repository.js';

/** An incident's clocks as the version before clock records stored them on the incident. */
export interface LegacyClockFields {
  id: string;
  bureauId: string;
  ref: string;
  status: string;
  triageDecisionId: string | null;
  clocks: unknown[];
  clocksDecisionId: string | null;
  clockEvents: string[];
  clockTimers: string[];
  clockSeq: number;
  /** How many obligations it had recorded (each already taken into its clocks). */
  obligations: number;
  nextDueAt: Date | null;
  times: Record<string, unknown>;
  updatedAt: Date;
}

/** Where the old clock fields are (the workflow's incidents). */
export interface LegacyClockSource {
  withClockFields(batch: number): AsyncGenerator<LegacyClockFields[]>;
  /** Drops the clock fields and sets what the incident keeps, without moving its revision. */
  dropClockFields(id: string, set: Record<string, unknown>): Promise<void>;
}

const BATCH = 100;
const PAST_CONTAINED = new Set(['contained', 'eradicated', 'recovered', 'closed']);
const PAST_RECOVERED = new Set(['recovered', 'closed']);

/**
 * The milestones the old clocks had already taken in (a transition applied them as it happened):
 * stored so that a clock a later re-triage adds starts from them too. The incident's own times where
 * it has them, else its last change.
 */
function milestonesOf(stored: LegacyClockFields): ClockMilestones {
  const at = (value: unknown) => (value instanceof Date ? value : stored.updatedAt);
  const milestones: ClockMilestones = {};
  if (PAST_CONTAINED.has(stored.status)) milestones.contained = at(stored.times.containedAt);
  if (PAST_RECOVERED.has(stored.status)) milestones.recovered = at(stored.times.resolvedAt);
  if (stored.status === 'closed') milestones.closed = stored.updatedAt;
  return milestones;
}

/**
 * Incidents as the version before clock records stored them: their clocks, event keys and timers move
 * to the incident's clock record (`incident_clocks`), then leave the incident, which keeps the
 * decision its clocks are to follow, its milestones and the record's sequence its urgency came from.
 * Record first, so a crash in between leaves both and a repeat finds the record (it stands) and only
 * drops the incident's copy. The clocks' audit events were chained when they happened: the move adds
 * none (the migration's own `system.migrated` says it happened). The incident's revision does not move.
 */
export function clockRecordsMigration(
  incidents: LegacyClockSource,
  records: ClockRecordRepository,
): Migration {
  return {
    id: '2027-01-clock-records',
    description: 'clocks move from the incident to their own record (incident_clocks)',
    async run() {
      let changed = 0;
      for await (const batch of incidents.withClockFields(BATCH)) {
        for (const stored of batch) {
          const record: ClockRecord = {
            incidentId: stored.id,
            bureauId: stored.bureauId,
            ref: stored.ref,
            clocks: stored.clocks as ClockRecord['clocks'],
            // Null: that version had not merged the decision's specs yet; the next catch-up does.
            decisionId: stored.clocksDecisionId,
            events: stored.clockEvents,
            timers: stored.clockTimers,
            seq: stored.clockSeq + 1,
            appliedObligations: stored.obligations,
            nextDueAt: stored.nextDueAt,
            outbox: [],
          };
          // An incident never triaged had an empty list (the old schema's default): no record for it.
          const kept = stored.clocks.length > 0 || stored.clockTimers.length > 0;
          if (kept) await records.insert(record);
          const follow = stored.triageDecisionId ?? stored.clocksDecisionId;
          await incidents.dropClockFields(stored.id, {
            milestones: milestonesOf(stored),
            ...(follow === null ? {} : { clocksDecisionId: follow }),
            ...(kept ? { clockSeq: record.seq } : {}),
          });
          changed++;
        }
      }
      return { changed };
    },
  };
}
