import type { AuditChange } from '../audit/index.js';
import type { ClockSpec, EscalationStep } from '../triage/index.js';
import type { CalendarSet } from './calendar/index.js';
import { clockChanges, NO_DEADLINE } from './clock-changes.js';
import { timerJobId } from './clock-events.js';
import { planClocks } from './clock-plan.js';

/** What a first triage decision knows of the clocks it starts. */
export interface DecidedClocks {
  incidentId: string;
  clocks: ClockSpec[];
  ladder: EscalationStep[];
  severity: string | null;
}

/** The clock fields a first decision stores with itself, and the state changes its audit event records. */
export interface DecisionClocks {
  set: Record<string, unknown>;
  changes: AuditChange[];
}

/**
 * The clocks of an incident's first triage decision, planned as the clock service would plan them
 * right after it, so the decision's own write carries them and no clock write follows (the `sync`
 * job it records then finds nothing to change and only sets the timers and files the queue row).
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
  };
}
