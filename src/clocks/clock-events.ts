import type { EscalationStep } from '../triage/index.js';
import type { ClockContext, ClockEvent, ClockTimer, IncidentClock } from './clock.types.js';

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
  for (let n = 1; last && n <= count; n++) {
    const step = last.level + n;
    const key = eventKey(clock.key, o, `step-${step}`);
    if (!todo(key)) continue;
    const at = plus(due + last.afterSeconds * 1000, n * (last.repeatEverySeconds ?? 0));
    events.push({ ...base, key, kind: 'escalation', at, step, tier: 'reminder', notify: [...last.notify] });
  }
  return events;
}

/** The clock after its events: a breach marks it breached, every escalation is recorded on it. */
export function applyEvents(clock: IncidentClock, events: readonly ClockEvent[]): IncidentClock {
  let next = clock;
  for (const event of events) {
    if (event.clockKey !== clock.key || event.occurrence !== clock.occurrence) continue;
    if (event.kind === 'breach' && next.state === 'running')
      next = { ...next, state: 'breached', breachedAt: event.at };
    if (event.kind === 'breach' || event.kind === 'escalation') {
      next = {
        ...next,
        escalations: [
          ...next.escalations,
          {
            step: event.step,
            at: event.at,
            tier: event.tier,
            notified: event.notify,
            occurrence: event.occurrence,
          },
        ],
      };
    }
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
  // The first reminder not done, read from the recorded keys and never from `now`: the timers are a
  // function of the stored state alone. A catch-up whose `now` is older than the state it read (a
  // retry, a slow read) used to name the reminder already fired, store it and remove the real next one
  // as stale; the re-add of a fired job's id is ignored while BullMQ keeps it, so the ladder stopped.
  let n = 1;
  while (context.done.has(eventKey(clock.key, o, `step-${last.level + n}`))) n++;
  return {
    clockKey: clock.key,
    kind: 'repeat',
    at: plus(due + last.afterSeconds * 1000, n * last.repeatEverySeconds),
  };
}

/** Deterministic job id of a timer: `<incidentId>-<clockKey>-<kind>-<epochMs>`. */
export const timerJobId = (incidentId: string, timer: ClockTimer): string =>
  `${incidentId}-${timer.clockKey}-${timer.kind}-${timer.at.getTime()}`;
