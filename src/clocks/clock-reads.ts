import type { Logger } from '../platform/index.js';
import type { DecisionClockLookup } from '../triage/index.js';
import { emptyClockRecord, type ClockRecord } from './clock-record.js';
import type { ClockRecordRepository } from './clock-record.repository.js';
import type { ClockFacts, ClockedIncident } from './clock-store.js';
import type { IncidentClock } from './clock.types.js';

/** An incident's facts with its clocks, as every reader of incidents is handed them. */
export type WithClocks<F extends ClockFacts> = F & ClockedIncident;

/** The part of an incident with its clocks that comes from the clock record. */
type ClockPart = Omit<ClockedIncident, keyof ClockFacts>;

const partOf = (
  record: ClockRecord,
  decidedClocks: ClockPart['decidedClocks'],
  nextDueAt: Date | null = record.nextDueAt,
): ClockPart => ({
  clocks: record.clocks,
  decidedClocks,
  clockEvents: record.events,
  clockTimers: record.timers,
  clockSeq: record.seq,
  nextDueAt,
  clockRecord: record,
});

/** The clock part of an incident read with its clocks, to go with another copy of its facts. */
export const clockPartOf = (incident: ClockedIncident): ClockPart =>
  partOf(incident.clockRecord, incident.decidedClocks, incident.nextDueAt);

/**
 * Reads of the clock records, joined to the incidents they belong to: the workflow's incident with
 * its clocks for a request, a page's clocks for the views, by `_id` (one read for a page).
 */
export class ClockReads {
  constructor(
    private readonly records: ClockRecordRepository,
    private readonly logger: Logger,
    /** A triage decision's clock specs, from its record. Without it, re-triaged clocks stay as they were. */
    private readonly decisionClocks?: DecisionClockLookup,
  ) {}

  /** The incident with its clocks (and the specs of a decision they do not follow yet). */
  async join<F extends ClockFacts>(facts: F): Promise<WithClocks<F>> {
    const record = await this.records.find(facts.id);
    return this.joined(facts, record);
  }

  /** Several incidents with their clocks: one read of the records, none when the caller has them. */
  async joinMany<F extends ClockFacts>(
    facts: readonly F[],
    known?: readonly ClockRecord[],
  ): Promise<Array<WithClocks<F>>> {
    if (facts.length === 0) return [];
    const read = known ?? (await this.records.findMany(facts.map((f) => f.id)));
    const records = new Map(read.map((record) => [record.incidentId, record]));
    return Promise.all(facts.map((f) => this.joined(f, records.get(f.id) ?? null)));
  }

  /** The clocks of these incidents, by id (an incident without a record has none). */
  async clocksOf(incidentIds: readonly string[]): Promise<Map<string, Array<IncidentClock>>> {
    const records = await this.records.findMany(incidentIds);
    return new Map(records.map((record) => [record.incidentId, record.clocks as IncidentClock[]]));
  }

  /** The incident with a record just written (its decision merged: nothing is pending from it). */
  withRecord<F extends ClockedIncident>(incident: F, record: ClockRecord): F {
    return { ...incident, ...partOf(record, null) };
  }

  private async joined<F extends ClockFacts>(facts: F, stored: ClockRecord | null): Promise<WithClocks<F>> {
    const record = stored ?? emptyClockRecord(facts);
    const follow = facts.clocksDecisionId;
    let decidedClocks: ClockedIncident['decidedClocks'] = null;
    if (follow && follow !== record.decisionId && this.decisionClocks) {
      decidedClocks = await this.decisionClocks(follow);
      if (decidedClocks === null)
        this.logger.warn(
          { incidentId: facts.id, decisionId: follow },
          'triage decision record missing; clocks kept as they are',
        );
    }
    return {
      ...facts,
      ...partOf(record, decidedClocks, record.seq > 0 ? record.nextDueAt : facts.urgency.dueAt),
    };
  }
}
