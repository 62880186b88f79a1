import type { ClockSpec, EscalationStep } from '../triage/index.js';
import { applyEvents, dueEvents, nextTimer } from './clock-events.js';
import { nextDueAt, reconcileClocks } from './clock-rules.js';
import type { ClockEvent, ClockTimer, IncidentClock, RecordedObligation } from './clock.types.js';

/** What the clock rules read from an incident. */
export interface ClockInput {
  clocks: ReadonlyArray<ClockSpec | IncidentClock>;
  clockLedger: readonly IncidentClock[];
  clockEvents: readonly string[];
  clockTimers: readonly string[];
  obligations: readonly RecordedObligation[];
  ladder: EscalationStep[];
  severity: string | null;
  open: boolean;
}

/** The clocks brought up to `now`: the new clocks, the events that happened, the timers to have. */
export interface ClockPlan {
  clocks: IncidentClock[];
  events: ClockEvent[];
  timers: ClockTimer[];
  nextDueAt: Date | null;
  /** True when the stored clocks, ledger or event keys differ from the plan. */
  changed: boolean;
}

const json = (value: unknown): string => JSON.stringify(value);

/**
 * Catches the clocks up to `now`, purely: merges a new triage decision with the ledger, finds the
 * warnings, breaches and escalation steps due and not yet done, and the next timer of each clock.
 */
export function planClocks(input: ClockInput, now: Date): ClockPlan {
  const reconciled = reconcileClocks(input.clocks, input.clockLedger, input.obligations);
  const context = {
    incidentId: '',
    severity: input.severity,
    ladder: input.ladder,
    open: input.open,
    done: new Set(input.clockEvents),
  };
  const events: ClockEvent[] = [];
  const clocks = reconciled.map((clock) => {
    const due = dueEvents(clock, context, now);
    events.push(...due);
    return applyEvents(clock, due);
  });
  const done = new Set([...input.clockEvents, ...events.map((e) => e.key)]);
  const timers = clocks
    .map((clock) => nextTimer(clock, { ...context, done }, now))
    .filter((timer): timer is ClockTimer => timer !== null);
  const changed =
    events.length > 0 || json(clocks) !== json(input.clocks) || json(clocks) !== json(input.clockLedger);
  return { clocks, events, timers, nextDueAt: nextDueAt(clocks), changed };
}
