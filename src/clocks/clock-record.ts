import type { ClockSpec } from '../triage/index.js';
import type { IncidentClock, NotificationRequest } from './clock.types.js';

/** The clocks' own collection: one record per triaged incident, `_id` = the incident's. */
export const CLOCK_RECORDS_COLLECTION = 'incident_clocks';

/**
 * An incident's clocks and what only the clocks read, kept apart from the incident so that clock
 * progress (warnings, breaches, escalations, timers) never rewrites the incident or moves its ETag.
 * Written by the clock service only (triage inserts the first one), each write conditional on `seq`.
 */
export interface ClockRecord {
  incidentId: string;
  bureauId: string;
  ref: string;
  /** The clocks; bare triage specs only while a first decision's clocks were not started. */
  clocks: Array<ClockSpec | IncidentClock>;
  /** The triage decision whose clock specs `clocks` follow (the incident names the one to follow). */
  decisionId: string | null;
  /** Clock events already acted on (the exactly-once guard; survives re-triage). */
  events: string[];
  /** Job ids of the delayed timers the clocks need. */
  timers: string[];
  /** Moved by every write: the compare-and-set of the next one. 0: no record stored yet. */
  seq: number;
  /**
   * How many of the incident's recorded obligations (an append-only list) the clocks have taken in:
   * each is applied once, in order, by the write that moves this past it.
   */
  appliedObligations: number;
  /** The earliest due time of a running clock. */
  nextDueAt: Date | null;
  /** Mails the clock events owe, queued with the write that found them, handed over and cleared. */
  outbox: NotificationRequest[];
}

/** The record of an incident that has none yet (never triaged, or stored before clock records). */
export const emptyClockRecord = (incident: { id: string; bureauId: string; ref: string }): ClockRecord => ({
  incidentId: incident.id,
  bureauId: incident.bureauId,
  ref: incident.ref,
  clocks: [],
  decisionId: null,
  events: [],
  timers: [],
  seq: 0,
  appliedObligations: 0,
  nextDueAt: null,
  outbox: [],
});
