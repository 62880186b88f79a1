import type { EscalationStep } from '../triage/index.js';
import {
  MAX_ESCALATIONS,
  type ClockContext,
  type ClockEscalation,
  type ClockEvent,
  type ClockTimer,
  type IncidentClock,
} from './clock.types.js';

/** Tier of one reminder after the ladder's last level, and of several collapsed into one event. */
export const REMINDER = 'reminder';
export const REMINDERS_MISSED = 'reminders-missed';
const isReminder = (entry: ClockEscalation): boolean =>
  entry.tier === REMINDER || entry.tier === REMINDERS_MISSED;

/** Key of a clock event in `clockEvents`: what makes it happen at most once. */
export const eventKey = (clockKey: string, occurrence: number, what: string): string =>
  `${clockKey}|${occurrence}|${what}`;

const ms = (date: Date | string | undefined): number | null =>
  date === undefined ? null : new Date(date).getTime();
const plus = (base: number, seconds: number): Date => new Date(base + seconds * 1000);

/** The ladder as rungs in order: level steps with their time after the breach, plus the breach step. */
function rungs(ladder: readonly EscalationStep[]) {
  const levels = ladder.filter((s) => s.trigger === 'elapsed').sort((a, b) => a.level - b.level);
  const breach = ladder.find((s) => s.trigger === 'clock_breach');
  return { levels, breach };
}

/** How many reminders after the last rung may be due by `now`; none without a repeating last rung. */
function remindersDue(last: EscalationStep | undefined, due: number, now: number): number {
  if (!last?.repeatEverySeconds) return 0;
  const first = due + last.afterSeconds * 1000;
  if (now < first) return 0;
  return Math.floor((now - first) / (last.repeatEverySeconds * 1000));
}

/**
 * The events of one clock due by `now` and not yet done, in time order. The ladder is anchored at the
 * clock's due time: an obligation met on time never escalates, and each rung measures how long a
 * breach has gone unanswered. Step 0 is the breach notice (the severity's breach tiers), steps 1..n
 * the ladder's levels, then reminders every `repeatEverySeconds` while the obligation stays open.
 */
export function dueEvents(clock: IncidentClock, context: ClockContext, now: Date): ClockEvent[] {
  const due = ms(clock.dueAt);
  const t = now.getTime();
  if (due === null) return [];
  const o = clock.occurrence;
  const base = { clockKey: clock.key, occurrence: o };
  const events: ClockEvent[] = [];
  const todo = (key: string) => !context.done.has(key);
  const { levels, breach } = rungs(context.ladder);
  if (clock.state === 'running') {
    const warn = ms(clock.warnAt);
    const key = eventKey(clock.key, o, 'warning');
    if (warn !== null && warn <= t && t < due && todo(key)) {
      events.push({
        ...base,
        key,
        kind: 'warning',
        at: new Date(warn),
        step: -1,
        tier: 'warning',
        notify: [],
      });
    }
    if (due <= t && todo(eventKey(clock.key, o, 'breach'))) {
      const notify = breach ? [...breach.notify] : [];
      events.push({
        ...base,
        key: eventKey(clock.key, o, 'breach'),
        kind: 'breach',
        at: new Date(due),
        step: 0,
        tier: 'breach',
        notify,
      });
    }
  }
  const breached = clock.state === 'breached' || events.some((e) => e.kind === 'breach');
  if (!breached || clock.metAt || !context.open) return events;
  for (const level of levels) {
    const at = due + level.afterSeconds * 1000;
    const key = eventKey(clock.key, o, `step-${level.level}`);
    if (at <= t && todo(key)) {
      events.push({
        ...base,
        key,
        kind: 'escalation',
        at: new Date(at),
        step: level.level,
        tier: `level-${level.level}`,
        notify: [...level.notify],
      });
    }
  }
  const last = levels.at(-1);
  const count = remindersDue(last, due, t);
  if (!last || count === 0) return events;
  // However long the clock went unwatched (a report whose awareness lies weeks back, workers down),
  // the reminders owed since the last one taken are ONE event: one alert, one audit event, one entry.
  const through = reminderThrough(clock, context.done, last.level, last.level + count);
  const latest = last.level + count;
  if (through >= latest) return events;
  const missed = latest - through;
  const at = plus(due + last.afterSeconds * 1000, count * (last.repeatEverySeconds ?? 0));
  events.push({
    ...base,
    key: eventKey(clock.key, o, `step-${latest}`),
    kind: 'escalation',
    at,
    step: latest,
    tier: missed > 1 ? REMINDERS_MISSED : REMINDER,
    notify: [...last.notify],
    ...(missed > 1 ? { missed } : {}),
  });
  return events;
}

/**
 * The highest reminder step taken, from the clock's counter and, for clocks stored before it
 * existed, the contiguous `step-<n>` keys after it (never past `limit`: the loop is bounded by what
 * is stored, not by how long ago the clock fell due).
 */
function reminderThrough(
  clock: IncidentClock,
  done: ReadonlySet<string>,
  lastLevel: number,
  limit = Number.MAX_SAFE_INTEGER,
): number {
  let through = Math.max(clock.reminderStep ?? 0, lastLevel);
  while (through < limit && done.has(eventKey(clock.key, clock.occurrence, `step-${through + 1}`))) through++;
  return through;
}

/**
 * Appends escalation entries, keeping at most {@link MAX_ESCALATIONS}: a reminder arriving at a full
 * list folds into the last entry when that is a reminder of the same occurrence (its `missed` count
 * grows); anything else drops the oldest entries, counted in `dropped`. Linear in the list.
 */
export function appendEscalations(
  list: readonly ClockEscalation[],
  added: readonly ClockEscalation[],
): { escalations: ClockEscalation[]; dropped: number } {
  const out = [...list];
  for (const entry of added) {
    const tail = out.at(-1);
    if (out.length >= MAX_ESCALATIONS && tail && isReminder(entry) && isReminder(tail)) {
      if (tail.occurrence === entry.occurrence) {
        const missed = (tail.missed ?? 1) + (entry.missed ?? 1);
        out[out.length - 1] = { ...entry, tier: REMINDERS_MISSED, missed };
        continue;
      }
    }
    out.push(entry);
  }
  const dropped = Math.max(0, out.length - MAX_ESCALATIONS);
  return { escalations: dropped > 0 ? out.slice(dropped) : out, dropped };
}

/**
 * The clock after its events: a breach marks it breached, every escalation is recorded on it (one
 * copy of the list per call, not per event), a reminder moves the reminder counter.
 */
export function applyEvents(clock: IncidentClock, events: readonly ClockEvent[]): IncidentClock {
  const mine = events.filter((e) => e.clockKey === clock.key && e.occurrence === clock.occurrence);
  if (mine.length === 0) return clock;
  const next: IncidentClock = { ...clock };
  const added: ClockEscalation[] = [];
  for (const event of mine) {
    if (event.kind === 'breach' && next.state === 'running') {
      next.state = 'breached';
      next.breachedAt = event.at;
    }
    if (event.kind !== 'breach' && event.kind !== 'escalation') continue;
    const entry: ClockEscalation = {
      step: event.step,
      at: event.at,
      tier: event.tier,
      notified: event.notify,
      occurrence: event.occurrence,
    };
    if (event.missed !== undefined) entry.missed = event.missed;
    added.push(entry);
    if (event.tier === REMINDER || event.tier === REMINDERS_MISSED)
      next.reminderStep = Math.max(next.reminderStep ?? 0, event.step);
  }
  if (added.length > 0) {
    const { escalations, dropped } = appendEscalations(clock.escalations, added);
    next.escalations = escalations;
    if (dropped > 0) next.escalationsDropped = (clock.escalationsDropped ?? 0) + dropped;
  }
  return next;
}

/** When this clock next needs the worker (after `now`), or null when nothing is left to do. */
export function nextTimer(clock: IncidentClock, context: ClockContext, now: Date): ClockTimer | null {
  const due = ms(clock.dueAt);
  const t = now.getTime();
  if (due === null) return null;
  const o = clock.occurrence;
  if (clock.state === 'running') {
    const warn = ms(clock.warnAt);
    if (warn !== null && t < warn && !context.done.has(eventKey(clock.key, o, 'warning'))) {
      return { clockKey: clock.key, kind: 'warning', at: new Date(warn) };
    }
    return { clockKey: clock.key, kind: 'due', at: new Date(due) };
  }
  if (clock.state !== 'breached' || clock.metAt || !context.open) return null;
  const { levels } = rungs(context.ladder);
  for (const level of levels) {
    const at = due + level.afterSeconds * 1000;
    if (!context.done.has(eventKey(clock.key, o, `step-${level.level}`))) {
      return { clockKey: clock.key, kind: 'escalation', at: new Date(at) };
    }
  }
  const last = levels.at(-1);
  if (!last?.repeatEverySeconds) return null;
  // The first reminder not done, read from the stored counter and keys and never from `now`: the
  // timers are a function of the stored state alone. A catch-up whose `now` is older than the state
  // it read (a retry, a slow read) used to name the reminder already fired, store it and remove the
  // real next one as stale; the re-add of a fired job's id is ignored while BullMQ keeps it, so the
  // ladder stopped.
  const n = reminderThrough(clock, context.done, last.level) - last.level + 1;
  return {
    clockKey: clock.key,
    kind: 'repeat',
    at: plus(due + last.afterSeconds * 1000, n * last.repeatEverySeconds),
  };
}

/** Deterministic job id of a timer: `<incidentId>-<clockKey>-<kind>-<epochMs>`. */
export const timerJobId = (incidentId: string, timer: ClockTimer): string =>
  `${incidentId}-${timer.clockKey}-${timer.kind}-${timer.at.getTime()}`;
