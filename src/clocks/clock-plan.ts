import type { ClockSpec, EscalationStep } from '../triage/index.js';
import type { CalendarSet } from './calendar/index.js';
import { applyEvents, dueEvents, nextTimer } from './clock-events.js';
import { applyLifecycle, applyRecorded, type ClockFactInput } from './clock-facts.js';
import { isBareSpec, nextDueAt, reconcileClocks, startedClocks } from './clock-rules.js';
import type { ClockEvent, ClockTimer, IncidentClock } from './clock.types.js';

/** What the clock rules read from an incident. */
export interface ClockInput {
  /** The clocks as stored (bare specs only while a first decision's clocks were not started). */
  clocks: ReadonlyArray<ClockSpec | IncidentClock>;
  /** The clock specs of a decision not merged into `clocks` yet (a re-triage's); null when none. */
  decided: readonly ClockSpec[] | null;
  clockEvents: readonly string[];
  clockTimers: readonly string[];
  /** The incident facts the clocks follow: obligations recorded, milestones, closure. */
  facts: ClockFactInput;
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
  /**
   * The event keys to store (`clockEvents`): the stored ones and this plan's, less those no rule
   * reads again: keys of earlier occurrences and reminder keys below the clock's reminder counter.
   */
  clockEvents: string[];
  /**
   * True when the stored clocks or event keys differ from the plan, a decision was merged in, or
   * obligations were taken in.
   */
  changed: boolean;
}

const json = (value: unknown): string => JSON.stringify(value);

/**
 * Catches the clocks up to `now`, purely: merges a new triage decision with the stored clocks, finds the
 * warnings, breaches and escalation steps due and not yet done, and the next timer of each clock.
 * Timers fire at the stored due times, which were counted with the policy's calendars.
 */
export function planClocks(input: ClockInput, now: Date, calendars: CalendarSet = new Map()): ClockPlan {
  const reconciled = derivedClocks(input, calendars);
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
  const clockEvents = liveKeys(done, clocks, lastLevel(input.ladder));
  const changed =
    events.length > 0 ||
    input.decided !== null ||
    input.facts.appliedObligations !== input.facts.obligations.length ||
    json(clocks) !== json(input.clocks);
  return { clocks, events, timers, nextDueAt: nextDueAt(clocks), clockEvents, changed };
}

/**
 * The clocks as the recorded facts leave them, before any time-driven event: the obligations not
 * taken in yet and the milestones applied to the stored clocks, a decision not merged yet merged in
 * (its fresh clocks replay every obligation), then the end of the lifecycle.
 */
export function derivedClocks(
  input: Pick<ClockInput, 'clocks' | 'decided' | 'facts'>,
  calendars: CalendarSet,
): IncidentClock[] {
  const ledger = applyRecorded(startedClocks(input.clocks), input.facts, calendars);
  const byKey = new Map(ledger.map((clock) => [clock.key, clock]));
  const current =
    input.decided ??
    input.clocks.map((clock) => (isBareSpec(clock) ? clock : (byKey.get(clock.key) ?? clock)));
  const merged = reconcileClocks(current, ledger, input.facts.obligations, calendars);
  return applyLifecycle(merged, input.facts, calendars);
}

/** The ladder's last level (reminders are the steps above it), or 0 without one. */
function lastLevel(ladder: readonly EscalationStep[]): number {
  let level = 0;
  for (const step of ladder) if (step.trigger === 'elapsed') level = Math.max(level, step.level);
  return level;
}

/**
 * Event keys still needed: a key names `<clockKey>|<occurrence>|<what>` and the rules only ever ask
 * about a clock's current occurrence, and about reminders above its counter. The rest would grow the
 * document by a key per reminder for as long as the incident stays open.
 */
function liveKeys(done: ReadonlySet<string>, clocks: readonly IncidentClock[], last: number): string[] {
  const byKey = new Map(clocks.map((clock) => [clock.key, clock]));
  const live: string[] = [];
  for (const key of done) {
    const [clockKey = '', occurrence, what = ''] = key.split('|');
    const clock = byKey.get(clockKey);
    if (clock && Number(occurrence) !== clock.occurrence) continue;
    const step = /^step-(\d+)$/.exec(what);
    if (clock && step && Number(step[1]) > last && Number(step[1]) <= (clock.reminderStep ?? 0)) continue;
    live.push(key);
  }
  return live;
}
