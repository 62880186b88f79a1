import type { AuditChange } from '../audit/index.js';
import type { ClockSpec, EscalationStep } from '../triage/index.js';
import type { CalendarSet } from './calendar/index.js';
import { clockChanges, NO_DEADLINE } from './clock-changes.js';
import { timerJobId } from './clock-events.js';
import { clockWriteJobs } from './clock-timers.js';
import type { JobIntent } from '../platform/index.js';
import { planClocks } from './clock-plan.js';

/** What a first triage decision knows of the clocks it starts. */
export interface DecidedClocks {
  incidentId: string;
  clocks: ClockSpec[];
  ladder: EscalationStep[];
  severity: string | null;
}

/**
 * The clock fields a first decision stores with itself, the state changes its audit event records,
 * and the timers the clocks need, as jobs its write records.
 */
export interface DecisionClocks {
  set: Record<string, unknown>;
  changes: AuditChange[];
  timers: JobIntent[];
}

/**
 * The clocks of an incident's first triage decision, planned as the clock service would plan them
 * right after it, so the decision's own write carries them and their timers, and no clock job
 * follows (the decision files the queue row itself).
 * A first decision has no ledger, event keys, timers or obligations yet (an obligation needs its
 * clock). Null when a clock is already due (a report filed after its deadline): the clock service
 * applies such events, with the notifications they ask for, in a write of its own.
 */
export function planDecisionClocks(
  decided: DecidedClocks,
  now: Date,
  calendars: CalendarSet,
): DecisionClocks | null {
  const plan = planClocks(
    {
      clocks: decided.clocks,
      decided: null,
      clockEvents: [],
      clockTimers: [],
      obligations: [],
      ladder: decided.ladder,
      severity: decided.severity,
      open: true,
    },
    now,
    calendars,
  );
  if (plan.events.length > 0) return null;
  return {
    set: {
      clocks: plan.clocks,
      clockTimers: plan.timers.map((timer) => timerJobId(decided.incidentId, timer)),
      clockEvents: plan.clockEvents,
      nextDueAt: plan.nextDueAt,
      urgencyAt: plan.nextDueAt ?? NO_DEADLINE,
    },
    changes: clockChanges([], plan.clocks).filter((change) => change.after !== 'breached'),
    // A first decision queues no mails (no event is due): the timers are all its clocks need.
    timers: clockWriteJobs(decided.incidentId, { revision: 0, clockSeq: 0 }, plan.timers, false),
  };
}
