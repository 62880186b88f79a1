import { needsCalendar, shiftBySpan, type CalendarSet, type Span } from '../clocks/calendar/index.js';
import { timedClock } from './clock-deadline.js';
import { matches } from './condition.evaluator.js';
import { formatSpan } from './duration.parser.js';
import { spanFor } from './policy-pack.assembler.js';
import type { ClockRule } from './policy-pack.schema.js';
import type { PolicyPack } from './policy.types.js';
import { explain, type Facts } from './severity.evaluator.js';
import type { TriageInput } from './triage-input.js';
import type {
  ClockChain,
  ClockSpec,
  ClockStart,
  DecisionReason,
  NotificationSpec,
  Severity,
} from './triage-decision.types.js';

/** An obligation recorded as done: what starts a chained clock. */
export interface MetObligation {
  obligation: string;
  at: Date;
}

/** The incident time each clock start refers to; `triaged` is the evaluation time. */
export function startTime(from: ClockStart, input: TriageInput, now: Date | undefined): Date | undefined {
  const t = input.times;
  switch (from) {
    case 'aware':
      return t.awareAt;
    case 'reported':
      return t.reportedAt;
    case 'first_report':
      return t.firstReportAt;
    case 'resolved':
      return t.resolvedAt;
    case 'contained':
      return t.containedAt;
    case 'classified_major':
      return t.classifiedMajorAt;
    case 'ransom_paid':
      return t.ransomPaidAt;
    case 'triaged':
      return now;
  }
}

/** When a chained clock starts: the first or the latest record of the obligation it follows. */
export function chainStart(after: ClockChain, met: readonly MetObligation[]): Date | undefined {
  let found: Date | undefined;
  for (const record of met) {
    if (record.obligation !== after.obligation) continue;
    const at = new Date(record.at);
    const earlier = found === undefined || at.getTime() < found.getTime();
    if (found === undefined || (after.record === 'first' ? earlier : !earlier)) found = at;
  }
  return found;
}

/** The length fields of a spec: seconds for fixed spans, the span itself for calendar ones. */
function lengthFields(
  duration: Span,
  warn: Span,
): Pick<ClockSpec, 'durationSeconds' | 'duration' | 'warnBeforeSeconds' | 'warnBefore'> {
  return {
    ...('seconds' in duration ? { durationSeconds: duration.seconds } : { duration }),
    ...('seconds' in warn ? { warnBeforeSeconds: warn.seconds } : { warnBeforeSeconds: 0, warnBefore: warn }),
  };
}

function describeStart(c: ClockRule): string {
  if (typeof c.startsFrom === 'string') return c.startsFrom;
  return `${c.startsFrom.record === 'latest' ? 'the latest' : 'the first'} ${c.startsFrom.met} recorded`;
}

/**
 * Clocks of every applied pack whose condition matches and which has a duration for the severity,
 * counted in the pack's time zone (and business-day calendar). A chained clock starts from `met`.
 * @throws CalendarRangeError when a business-day deadline falls outside the calendar's years
 */
export function decideClocks(
  packs: readonly PolicyPack[],
  facts: Facts,
  input: TriageInput,
  severity: Severity,
  now: Date | undefined,
  reasons: DecisionReason[],
  calendars: CalendarSet,
  met: readonly MetObligation[] = [],
): ClockSpec[] {
  const clocks: ClockSpec[] = [];
  for (const pack of packs) {
    for (const c of pack.clocks) {
      const duration = spanFor(c.duration, severity);
      if (duration === undefined || !matches(c.when, facts)) continue;
      const warn = spanFor(c.warnBefore, severity) ?? { seconds: 0 };
      const chained = typeof c.startsFrom === 'string' ? undefined : c.startsFrom;
      const startsAt = chained
        ? chainStart({ obligation: chained.met, record: chained.record }, met)
        : startTime(c.startsFrom as ClockStart, input, now);
      const calendarNeeded = [duration, warn, c.repeat?.every, c.cap?.after].some(needsCalendar);
      let spec: ClockSpec = {
        key: `${pack.id}.${c.id}`,
        name: c.name,
        ...(c.nameZh !== undefined ? { nameZh: c.nameZh } : {}),
        regime: pack.regime,
        obligation: c.obligation,
        startsFrom: chained ? 'met' : (c.startsFrom as ClockStart),
        ...(chained ? { after: { obligation: chained.met, record: chained.record } } : {}),
        ...lengthFields(duration, warn),
        zone: pack.timeZone,
        ...(calendarNeeded && pack.calendar !== undefined ? { calendar: pack.calendar } : {}),
      };
      if (c.cap) {
        const capStart = startTime(c.cap.from, input, now);
        spec.cap = { startsFrom: c.cap.from, after: c.cap.after };
        if (capStart)
          spec.cap.dueAt = shiftBySpan(
            capStart,
            c.cap.after,
            { zone: pack.timeZone, calendar: pack.calendar },
            calendars,
          );
      }
      if (c.repeat) {
        const every = c.repeat.every;
        spec.repeat =
          'seconds' in every
            ? { everySeconds: every.seconds, until: c.repeat.until }
            : { every, until: c.repeat.until };
      }
      if (startsAt !== undefined) spec = timedClock(spec, new Date(startsAt.getTime()), calendars);
      const filedAt = c.metByFiling ? input.times.reportedAt : undefined;
      if (filedAt !== undefined) spec.filedAt = new Date(filedAt.getTime());
      clocks.push(spec);
      const every = c.repeat ? `, then every ${formatSpan(c.repeat.every)} until ${c.repeat.until}` : '';
      const cap = c.cap ? `, at most ${formatSpan(c.cap.after)} from ${c.cap.from}` : '';
      const zone = [duration, c.repeat?.every].some((s) => s !== undefined && !('seconds' in s))
        ? ` (counted in ${pack.timeZone}${spec.calendar ? `, ${spec.calendar} calendar` : ''})`
        : '';
      const pending = startsAt === undefined ? '; start time not known yet' : '';
      const filed = filedAt === undefined ? '' : `; met by the report filed here at ${filedAt.toISOString()}`;
      reasons.push({
        rule: `${pack.id}/clocks/${c.id}`,
        detail: `${c.name}: ${formatSpan(duration)} from ${describeStart(c)}${cap}${every}${zone}${pending}${filed}; ${explain(c.description, c.when)}`,
      });
    }
  }
  return clocks;
}

/** Notifications of every applied pack whose condition matches, linked to their clock if it applies. */
export function decideNotifications(
  packs: readonly PolicyPack[],
  facts: Facts,
  clocks: readonly ClockSpec[],
  reasons: DecisionReason[],
): NotificationSpec[] {
  const clockKeys = new Set(clocks.map((c) => c.key));
  const out: NotificationSpec[] = [];
  for (const pack of packs) {
    for (const n of pack.notifications) {
      if (!matches(n.when, facts)) continue;
      const spec: NotificationSpec = {
        key: `${pack.id}.${n.id}`,
        to: n.to,
        template: n.template,
        tlp: n.tlp,
        regime: pack.regime,
        mandatory: n.mandatory,
      };
      const clock = n.clock === undefined ? undefined : `${pack.id}.${n.clock}`;
      if (clock !== undefined && clockKeys.has(clock)) spec.clock = clock;
      out.push(spec);
      reasons.push({
        rule: `${pack.id}/notifications/${n.id}`,
        detail: `notify ${n.to}${n.mandatory ? '' : ' (voluntary)'}: ${explain(n.description, n.when)}`,
      });
    }
  }
  return out;
}
