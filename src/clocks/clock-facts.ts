import type { CalendarSet } from './calendar/index.js';
import { closeClocks } from './clock-closure.js';
import { meetClocks, startClocks, stopClocks } from './clock-rules.js';
import type { IncidentClock, RecordedObligation } from './clock.types.js';

/**
 * When the incident first entered the states that start or stop clocks, as the workflow recorded
 * them (the clocks are derived from these facts, never written by the transition itself).
 */
export interface ClockMilestones {
  contained?: Date;
  recovered?: Date;
  closed?: Date;
}

/** The incident facts the clocks follow, beside the clocks' own progress. */
export interface ClockFactInput {
  status: string;
  obligations: readonly RecordedObligation[];
  /** How many of `obligations` the stored clocks have taken in already (each applies once). */
  appliedObligations: number;
  milestones: ClockMilestones;
  /** The incident's own times: a bureau's containment or resolution time is the clocks' start. */
  times: { containedAt?: Date | string | null; resolvedAt?: Date | string | null };
  /** Clocks a responder marked not applicable when closing, by key, with the reason. */
  notApplicable: Readonly<Record<string, string>>;
}

/** The facts of an incident just triaged: nothing recorded yet. */
export const factsOfNewIncident = (): ClockFactInput => ({
  status: 'triaged',
  obligations: [],
  appliedObligations: 0,
  milestones: {},
  times: {},
  notApplicable: {},
});

/** The states after which no clock runs: closing stops them all, rejecting or merging abandons them. */
const ABANDONED = new Set(['rejected', 'duplicate']);

type Step =
  | { at: number; order: 0; obligation: RecordedObligation }
  | { at: number; order: 1; milestone: 'contained' | 'recovered' };

const time = (value: Date | string | null | undefined, fallback: Date): Date =>
  value ? new Date(value) : fallback;

/**
 * The recorded obligations not taken in yet and every start milestone, in time order (an obligation
 * before the milestone of the same instant: acknowledging and containing record theirs with it).
 * Milestones are idempotent (a started clock is not started again), so they all replay every time;
 * obligations replay only once (a repeating clock would otherwise move to its next occurrence).
 */
function steps(facts: ClockFactInput): Step[] {
  const out: Step[] = facts.obligations
    .slice(facts.appliedObligations)
    .map((obligation) => ({ at: new Date(obligation.at).getTime(), order: 0 as const, obligation }));
  for (const milestone of ['contained', 'recovered'] as const) {
    const at = facts.milestones[milestone];
    if (at) out.push({ at: new Date(at).getTime(), order: 1, milestone });
  }
  return out.sort((a, b) => a.at - b.at || a.order - b.order);
}

/** Applies one start milestone: containment starts its clocks; recovery starts the resolution clocks and ends the recovery reports. */
function applyMilestone(
  clocks: IncidentClock[],
  milestone: 'contained' | 'recovered',
  facts: ClockFactInput,
  calendars: CalendarSet,
): IncidentClock[] {
  const reached = facts.milestones[milestone] as Date;
  if (milestone === 'contained')
    return startClocks(clocks, 'contained', time(facts.times.containedAt, reached), calendars);
  const resolvedAt = time(facts.times.resolvedAt, reached);
  return stopClocks(startClocks(clocks, 'resolved', resolvedAt, calendars), 'service_restored');
}

/**
 * The recorded facts brought into started clocks: obligations not taken in yet and the milestones,
 * in time order. Pure; applying it twice to its own output changes nothing.
 */
export function applyRecorded(
  clocks: readonly IncidentClock[],
  facts: ClockFactInput,
  calendars: CalendarSet,
): IncidentClock[] {
  let out = [...clocks];
  for (const step of steps(facts)) {
    out =
      step.order === 0
        ? meetClocks(out, step.obligation.obligation, new Date(step.obligation.at), calendars).clocks
        : applyMilestone(out, step.milestone, facts, calendars);
  }
  return out;
}

/**
 * The milestones again (clocks a re-triage just added start from them, if they passed) and the end of
 * the lifecycle: a closed incident's clocks still running or pending stop as not applicable (with the
 * responder's reason where one was given), a rejected or merged one's are abandoned.
 */
export function applyLifecycle(
  clocks: readonly IncidentClock[],
  facts: ClockFactInput,
  calendars: CalendarSet,
): IncidentClock[] {
  let out = [...clocks];
  for (const milestone of ['contained', 'recovered'] as const)
    if (facts.milestones[milestone]) out = applyMilestone(out, milestone, facts, calendars);
  if (facts.status === 'closed') {
    const at = facts.milestones.closed ?? new Date();
    out = closeClocks(out, new Map(Object.entries(facts.notApplicable)), new Date(at));
  }
  if (ABANDONED.has(facts.status)) out = stopClocks(out, 'abandoned');
  return out;
}
