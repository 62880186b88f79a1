import type { CalendarSet } from './calendar/index.js';
import { NO_DEADLINE } from './clock-changes.js';
import { nextTimer, timerJobId } from './clock-events.js';
import { nextDueAt, reconcileClocks, startedClocks } from './clock-rules.js';
import type { ClockedIncident } from './clock-store.js';
import type { ClockTimer, IncidentClock } from './clock.types.js';

/**
 * The incident's clocks as the rules see them: a triage decision not merged yet (`decidedClocks`, read
 * with the incident) merged in first, times counted with the policy's calendars.
 */
export const currentClocks = (incident: ClockedIncident, calendars: CalendarSet): IncidentClock[] =>
  reconcileClocks(
    incident.decidedClocks ?? incident.clocks,
    startedClocks(incident.clocks),
    incident.obligations,
    calendars,
  );

/** The fields written with a new set of clocks, and the timers they need. */
export interface ClockFields {
  set: Record<string, unknown>;
  timers: ClockTimer[];
}

/**
 * Everything stored alongside `clocks`: the decision they follow, urgency, and the ids of the timers
 * they need. `clocks` came from `currentClocks`, so the decision in force is merged in.
 */
export function clockFields(
  incident: ClockedIncident,
  clocks: IncidentClock[],
  /** Whether the incident, as this write leaves it, still runs clocks (the workflow's lifecycle). */
  open: boolean,
  now = new Date(),
): ClockFields {
  const context = {
    incidentId: incident.id,
    severity: incident.severity,
    ladder: incident.triage?.escalation ?? [],
    open,
    done: new Set(incident.clockEvents),
  };
  const timers = clocks
    .map((clock) => nextTimer(clock, context, now))
    .filter((t): t is ClockTimer => t !== null);
  const due = nextDueAt(clocks);
  return {
    set: {
      clocks,
      clocksDecisionId: incident.triage?.decisionId ?? null,
      clockTimers: timers.map((timer) => timerJobId(incident.id, timer)),
      nextDueAt: due,
      urgencyAt: due ?? NO_DEADLINE,
    },
    timers,
  };
}
