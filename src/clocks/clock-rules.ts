import { repeatSpanOf, timedClock, type ClockSpec } from '../triage/index.js';
import { shiftBySpan, type CalendarSet, type Span } from './calendar/index.js';
import {
  MAX_CLOCK_HISTORY,
  type ClockOccurrence,
  type IncidentClock,
  type RecordedObligation,
  type StartEvent,
} from './clock.types.js';

const TERMINAL = new Set(['met', 'breached', 'not_applicable']);
/**
 * Without the policy's calendars, fixed and month lengths still count; a business-day clock fails
 * loudly (CalendarRangeError naming its calendar) rather than being guessed.
 */
const NO_CALENDARS: CalendarSet = new Map();

/**
 * Sets `startsAt`, `dueAt` and `warnAt` from a start time, counted as the policy decided (fixed
 * delays, business days of the clock's calendar, calendar months in its zone; capped by `cap.dueAt`).
 * @param duration replaces the clock's own length (the interval of a repeat)
 * @throws CalendarRangeError when business days fall outside the calendar's years
 */
export function timed<C extends ClockSpec>(
  clock: C,
  startsAt: Date,
  calendars: CalendarSet = NO_CALENDARS,
  duration?: Span,
): C {
  return timedClock(clock, startsAt, calendars, duration);
}

/** A clock fresh from a triage spec: running when its start is known, pending otherwise. */
export function fromSpec(spec: ClockSpec): IncidentClock {
  return {
    ...spec,
    state: spec.startsAt && spec.dueAt ? 'running' : 'pending',
    metAt: null,
    breachedAt: null,
    escalations: [],
    occurrence: 0,
  };
}

/** True when a stored clock still lacks the progress fields (triage wrote a bare spec). */
export const isBareSpec = (clock: ClockSpec | IncidentClock): boolean => !('state' in clock);

/** The clocks that have started (a state of their own), leaving out bare specs not started yet. */
export const startedClocks = (clocks: ReadonlyArray<ClockSpec | IncidentClock>): IncidentClock[] =>
  clocks.filter((clock): clock is IncidentClock => 'state' in clock);

/**
 * Starts the pending clocks counting from `from`, at `at` (the start event was recorded); a cap
 * counting from it gets its time, and a running clock under that cap is counted again.
 */
export function startClocks(
  clocks: readonly IncidentClock[],
  from: StartEvent,
  at: Date,
  calendars: CalendarSet = NO_CALENDARS,
): IncidentClock[] {
  const started = clocks.map((clock) => {
    let next = clock;
    if (next.cap && next.cap.startsFrom === from && next.cap.dueAt === undefined) {
      const counting = { zone: next.zone ?? 'UTC', calendar: next.calendar };
      next = { ...next, cap: { ...next.cap, dueAt: shiftBySpan(at, next.cap.after, counting, calendars) } };
      if (next.state === 'running' && next.startsAt) next = timed(next, new Date(next.startsAt), calendars);
    }
    if (next.state === 'pending' && next.startsFrom === from)
      next = { ...timed(next, at, calendars), state: 'running' };
    return next;
  });
  return meetFiled(started, calendars);
}

/**
 * Meets each running clock the filing of the report meets (`filedAt`, from the policy's
 * `metByFiling`), at the filing time: on time, or late when the report came after the due time. Only
 * the first occurrence: the filing is one report. Clocks chained to the obligation start as on a
 * record of it.
 */
export function meetFiled(
  clocks: readonly IncidentClock[],
  calendars: CalendarSet = NO_CALENDARS,
): IncidentClock[] {
  let out = [...clocks];
  // By index over `out`: a clock chained to one met here may itself be met by the filing.
  for (let i = 0; i < out.length; i++) {
    const clock = out[i];
    if (clock.filedAt === undefined || clock.occurrence !== 0) continue;
    if (clock.state !== 'running' && !(clock.state === 'breached' && !clock.metAt)) continue;
    const at = new Date(clock.filedAt);
    out[i] = meetClocks([clock], clock.obligation, at, calendars).clocks[0];
    out = startChained(out, clock.obligation, at, calendars);
  }
  return out;
}

/**
 * Starts (or, for `record: latest`, counts again) the clocks chained to `obligation`, recorded at
 * `at`: the NIS2 final report a month after the notification, DORA's final report a month after
 * the latest intermediate report.
 */
function startChained(
  clocks: readonly IncidentClock[],
  obligation: string,
  at: Date,
  calendars: CalendarSet,
): IncidentClock[] {
  return clocks.map((clock) => {
    if (clock.startsFrom !== 'met' || clock.after?.obligation !== obligation) return clock;
    if (clock.state === 'pending') return { ...timed(clock, at, calendars), state: 'running' };
    const later = clock.startsAt !== undefined && at.getTime() > new Date(clock.startsAt).getTime();
    if (clock.state === 'running' && clock.after.record === 'latest' && later)
      return timed(clock, at, calendars);
    return clock;
  });
}

function closeOccurrence(clock: IncidentClock): ClockOccurrence {
  return {
    occurrence: clock.occurrence,
    startsAt: clock.startsAt ?? null,
    dueAt: clock.dueAt ?? null,
    state: clock.state,
    metAt: clock.metAt,
    breachedAt: clock.breachedAt,
  };
}

/**
 * Records that `obligation` was done at `at`: each running or breached clock for it is met (on time)
 * or stays breached (late, with `metAt` set). A repeating clock then starts its next occurrence,
 * due its repeat interval (hours, business days or months) after this one was met, and the clocks
 * chained to the obligation start.
 */
export function meetClocks(
  clocks: readonly IncidentClock[],
  obligation: string,
  at: Date,
  calendars: CalendarSet = NO_CALENDARS,
): { clocks: IncidentClock[]; met: IncidentClock[] } {
  const met: IncidentClock[] = [];
  const next = clocks.map((clock) => {
    if (clock.obligation !== obligation || !(clock.state === 'running' || clock.state === 'breached'))
      return clock;
    if (clock.state === 'breached' && clock.metAt) return clock;
    const onTime = clock.dueAt !== undefined && at.getTime() <= new Date(clock.dueAt).getTime();
    const done: IncidentClock = onTime
      ? { ...clock, state: 'met', metAt: at, breachedAt: null }
      : { ...clock, state: 'breached', metAt: at, breachedAt: clock.breachedAt ?? clock.dueAt ?? at };
    met.push(done);
    if (!clock.repeat) return done;
    const history = [...(clock.history ?? []), closeOccurrence(done)];
    const dropped = Math.max(0, history.length - MAX_CLOCK_HISTORY);
    const following: IncidentClock = {
      ...timed(done, at, calendars, repeatSpanOf(clock)),
      state: 'running',
      metAt: null,
      breachedAt: null,
      occurrence: clock.occurrence + 1,
      history: history.slice(dropped),
    };
    // Reminders count per occurrence; a bounded history counts what it no longer lists.
    delete following.reminderStep;
    if (dropped > 0) following.historyDropped = (clock.historyDropped ?? 0) + dropped;
    return following;
  });
  return { clocks: startChained(next, obligation, at, calendars), met };
}

/**
 * Stops what no longer runs: `closed` ends the repeats that run until closure, `service_restored` the
 * recovery reports, `abandoned` (rejected, merged) every clock not yet met or breached.
 */
export function stopClocks(
  clocks: readonly IncidentClock[],
  reason: 'closed' | 'service_restored' | 'abandoned',
): IncidentClock[] {
  return clocks.map((clock) => {
    if (clock.state !== 'running' && clock.state !== 'pending') return clock;
    const stops = reason === 'abandoned' || clock.repeat?.until === reason;
    return stops ? { ...clock, state: 'not_applicable' } : clock;
  });
}

/**
 * Replays the records made before a fresh clock existed, in time order: the obligation it follows
 * (a chained clock starts) and its own (it is met).
 */
function withRecorded(
  clock: IncidentClock,
  obligations: readonly RecordedObligation[],
  calendars: CalendarSet,
): IncidentClock {
  const records = obligations
    .filter((o) => o.obligation === clock.obligation || o.obligation === clock.after?.obligation)
    .sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  let current = clock;
  for (const record of records)
    current = meetClocks([current], record.obligation, new Date(record.at), calendars).clocks[0] ?? current;
  return current;
}

/**
 * Brings the stored clocks in line with the latest triage decision without losing progress: bare
 * specs written by triage are merged with the previous clocks (`ledger`) by key. Finished clocks keep
 * their outcome; running ones take the new durations (severity or times changed); a clock the policy
 * no longer asks for is kept as `not_applicable` unless it already finished.
 */
export function reconcileClocks(
  current: ReadonlyArray<ClockSpec | IncidentClock>,
  ledger: readonly IncidentClock[],
  obligations: readonly RecordedObligation[],
  calendars: CalendarSet = NO_CALENDARS,
): IncidentClock[] {
  const previous = new Map(ledger.map((clock) => [clock.key, clock]));
  const out: IncidentClock[] = current.map((entry) => {
    if (!isBareSpec(entry)) return entry as IncidentClock;
    const spec = entry;
    const old = previous.get(spec.key);
    if (old && TERMINAL.has(old.state)) return old;
    if (old && old.state === 'running' && old.startsAt) {
      const merged: IncidentClock = {
        ...old,
        ...spec,
        state: 'running',
        metAt: old.metAt,
        breachedAt: old.breachedAt,
      };
      merged.escalations = old.escalations;
      merged.occurrence = old.occurrence;
      if (old.history) merged.history = old.history;
      if (old.occurrence > 0)
        return { ...merged, startsAt: old.startsAt, dueAt: old.dueAt, warnAt: old.warnAt };
      // A clock counting from triage keeps its first start (re-triage does not restart it), and so
      // does a chained one: triage does not see the records that started it.
      const start =
        spec.startsFrom === 'triaged' || !spec.startsAt ? new Date(old.startsAt) : new Date(spec.startsAt);
      return timed(merged, start, calendars);
    }
    return withRecorded(fromSpec(spec), obligations, calendars);
  });
  const kept = new Set(out.map((clock) => clock.key));
  for (const old of ledger) {
    if (kept.has(old.key)) continue;
    out.push(TERMINAL.has(old.state) ? old : { ...old, state: 'not_applicable' });
  }
  return meetFiled(out, calendars);
}

/** The earliest due time of a running clock (the queue's urgency), or null. */
export function nextDueAt(clocks: readonly IncidentClock[]): Date | null {
  let best: number | null = null;
  for (const clock of clocks) {
    if (clock.state !== 'running' || !clock.dueAt) continue;
    const due = new Date(clock.dueAt).getTime();
    if (best === null || due < best) best = due;
  }
  return best === null ? null : new Date(best);
}
