import { matches } from './condition.evaluator.js';
import { formatDuration } from './duration.parser.js';
import type { DurationBySeverity } from './policy-pack.schema.js';
import type { PolicyPack } from './policy.types.js';
import { explain, type Facts } from './severity.evaluator.js';
import type { TriageInput } from './triage-input.js';
import type {
  ClockSpec,
  ClockStart,
  DecisionReason,
  NotificationSpec,
  Severity,
} from './triage-decision.types.js';

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
    case 'triaged':
      return now;
  }
}

const forSeverity = (d: DurationBySeverity, s: Severity) => (typeof d === 'number' ? d : d[s]);
const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

/** Clocks of every applied pack whose condition matches and which has a duration for the severity. */
export function decideClocks(
  packs: readonly PolicyPack[],
  facts: Facts,
  input: TriageInput,
  severity: Severity,
  now: Date | undefined,
  reasons: DecisionReason[],
): ClockSpec[] {
  const clocks: ClockSpec[] = [];
  for (const pack of packs) {
    for (const c of pack.clocks) {
      const durationSeconds = forSeverity(c.duration, severity);
      if (durationSeconds === undefined || !matches(c.when, facts)) continue;
      const warnBeforeSeconds = forSeverity(c.warnBefore, severity) ?? 0;
      const startsAt = startTime(c.startsFrom, input, now);
      const spec: ClockSpec = {
        key: `${pack.id}.${c.id}`,
        name: c.name,
        regime: pack.regime,
        obligation: c.obligation,
        startsFrom: c.startsFrom,
        durationSeconds,
        warnBeforeSeconds,
      };
      if (startsAt !== undefined) {
        spec.startsAt = new Date(startsAt.getTime());
        spec.dueAt = plus(startsAt, durationSeconds);
        if (warnBeforeSeconds > 0) spec.warnAt = plus(spec.dueAt, -warnBeforeSeconds);
      }
      if (c.repeat) spec.repeat = { everySeconds: c.repeat.every, until: c.repeat.until };
      clocks.push(spec);
      const every = c.repeat ? `, then every ${formatDuration(c.repeat.every)} until ${c.repeat.until}` : '';
      const pending = startsAt === undefined ? '; start time not known yet' : '';
      reasons.push({
        rule: `${pack.id}/clocks/${c.id}`,
        detail: `${c.name}: ${formatDuration(durationSeconds)} from ${c.startsFrom}${every}${pending}; ${explain(c.description, c.when)}`,
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
