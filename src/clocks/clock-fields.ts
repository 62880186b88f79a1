import type { CalendarSet } from './calendar/index.js';
import type { ClockFactInput } from './clock-facts.js';
import { derivedClocks } from './clock-plan.js';
import type { ClockedIncident } from './clock-store.js';
import type { IncidentClock } from './clock.types.js';

/** The facts of an incident the clocks follow, as the clock rules take them. */
export const clockFactInput = (incident: ClockedIncident): ClockFactInput => ({
  status: incident.status,
  obligations: incident.obligations,
  appliedObligations: incident.clockRecord.appliedObligations,
  milestones: incident.milestones,
  times: incident.facts.times,
  notApplicable: Object.fromEntries(incident.notApplicable.map((entry) => [entry.clock, entry.reason])),
});

/**
 * The incident's clocks as the rules see them now, before any time-driven event: the recorded facts
 * the stored clocks have not taken in yet applied, a triage decision not merged yet (`decidedClocks`,
 * read with the incident) merged in, times counted with the policy's calendars.
 */
export const currentClocks = (incident: ClockedIncident, calendars: CalendarSet): IncidentClock[] =>
  derivedClocks(
    { clocks: incident.clocks, decided: incident.decidedClocks, facts: clockFactInput(incident) },
    calendars,
  );
