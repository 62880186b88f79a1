import type { AuditChange } from '../audit/index.js';
import type { DecidedClocks } from '../triage/index.js';
import type { JobIntent } from '../platform/index.js';
import type { CalendarSet } from './calendar/index.js';
import { clockChanges } from './clock-changes.js';
import { timerJobId } from './clock-events.js';
import { factsOfNewIncident } from './clock-facts.js';
import { planClocks } from './clock-plan.js';
import type { ClockRecord } from './clock-record.js';
import { clockSyncJob, clockWriteJobs } from './clock-timers.js';

export type { DecidedClocks } from '../triage/index.js';

/**
 * The clocks of an incident's first decision, stored in their own record before the decision's
 * incident write, and what that write carries for them: the earliest due time (the queue's sort key),
 * the state changes for its `clocks.updated` event, and the jobs it records (the timers).
 */
export interface FirstClocks {
  nextDueAt: Date | null;
  /** The record's sequence the incident's urgency comes from. */
  seq: number;
  changes: AuditChange[];
  jobs: JobIntent[];
}

/**
 * The record of a first decision's clocks, planned as the clock service would plan them right after
 * it, so no clock job follows (the decision files the queue row itself). A first decision has no event
 * keys or timers yet, and takes in no obligation: one recorded before triage is taken in by the next
 * catch-up. When a clock is already due (a report filed after its deadline) the record holds the bare
 * specs and a `sync` follows: the clock service applies such events, with the mails they ask for.
 */
export function planDecisionClocks(
  decided: DecidedClocks,
  now: Date,
  calendars: CalendarSet,
): { record: ClockRecord; first: FirstClocks } {
  const plan = planClocks(
    {
      clocks: decided.clocks,
      decided: null,
      clockEvents: [],
      clockTimers: [],
      facts: factsOfNewIncident(),
      ladder: decided.ladder,
      severity: decided.severity,
      open: true,
    },
    now,
    calendars,
  );
  const identity = { incidentId: decided.incidentId, bureauId: decided.bureauId, ref: decided.ref };
  const base = { ...identity, decisionId: decided.decisionId, seq: 1, appliedObligations: 0, outbox: [] };
  if (plan.events.length > 0) {
    return {
      record: { ...base, clocks: decided.clocks, events: [], timers: [], nextDueAt: null },
      first: { nextDueAt: null, seq: 1, changes: [], jobs: [clockSyncJob(decided.incidentId, 'first')] },
    };
  }
  return {
    record: {
      ...base,
      clocks: plan.clocks,
      events: plan.clockEvents,
      timers: plan.timers.map((timer) => timerJobId(decided.incidentId, timer)),
      nextDueAt: plan.nextDueAt,
    },
    first: {
      nextDueAt: plan.nextDueAt,
      seq: 1,
      changes: clockChanges([], plan.clocks).filter((change) => change.after !== 'breached'),
      // A first decision queues no mails (no event is due): the timers are all its clocks need.
      jobs: clockWriteJobs(decided.incidentId, 'first', plan.timers, false),
    },
  };
}
