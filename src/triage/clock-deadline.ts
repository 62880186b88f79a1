import { deadlineTimes, type CalendarSet, type DeadlineRule, type Span } from '../clocks/calendar/index.js';
import type { ClockSpec } from './triage-decision.types.js';

/** Far-future urgency for incidents without a running clock: sorts after every real due time. */
export const NO_DEADLINE = new Date('9999-12-31T00:00:00Z');

/** The clock's length as a span (clocks stored before calendar counting have seconds only). */
export const durationOf = (clock: ClockSpec): Span =>
  clock.duration ?? { seconds: clock.durationSeconds ?? 0 };

/** The span between two occurrences of a repeating clock, if it repeats. */
export function repeatSpanOf(clock: ClockSpec): Span | undefined {
  if (!clock.repeat) return undefined;
  return clock.repeat.every ?? { seconds: clock.repeat.everySeconds ?? 0 };
}

/** How the clock is counted, for the calendar module. */
export function deadlineRuleOf(clock: ClockSpec, duration: Span = durationOf(clock)): DeadlineRule {
  const rule: DeadlineRule = {
    duration,
    warnBefore: clock.warnBefore ?? { seconds: clock.warnBeforeSeconds },
    // Fixed seconds do not depend on the zone; clocks stored before zones were stated are UTC.
    zone: clock.zone ?? 'UTC',
  };
  if (clock.calendar !== undefined) rule.calendar = clock.calendar;
  if (clock.cap?.dueAt !== undefined) rule.notAfter = new Date(clock.cap.dueAt);
  return rule;
}

/**
 * The clock counted from `startsAt`: `startsAt`, `dueAt` (capped) and `warnAt` set, `warnAt` removed
 * when there is no warning. `duration` replaces the clock's own length (a repeat's interval).
 * @throws CalendarRangeError when business days fall outside the calendar's years
 */
export function timedClock<C extends ClockSpec>(
  clock: C,
  startsAt: Date,
  calendars: CalendarSet,
  duration?: Span,
): C {
  const { dueAt, warnAt } = deadlineTimes(startsAt, deadlineRuleOf(clock, duration), calendars);
  const next: C = { ...clock, startsAt, dueAt };
  if (warnAt) next.warnAt = warnAt;
  else delete next.warnAt;
  return next;
}
