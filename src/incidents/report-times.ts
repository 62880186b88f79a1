import type { FieldProblem } from '../platform/index.js';

const DAY_MS = 86_400_000;

/** The report times checked for plausibility; all optional (follow-ups send some of them). */
export interface ReportTimes {
  occurredAt?: Date;
  discoveredAt?: Date;
  awareAt?: Date;
  containedAt?: Date;
  resolvedAt?: Date;
  classifiedMajorAt?: Date;
  ransomPaidAt?: Date;
}

/** How far back report times may lie, in days before the report. */
export interface ReportTimeBounds {
  /** Every time but `occurredAt` (config `REPORT_TIME_MAX_AGE_DAYS`). */
  maxAgeDays: number;
  /** `occurredAt` (config `REPORT_OCCURRED_MAX_AGE_DAYS`). */
  occurredMaxAgeDays: number;
}

/**
 * Pairs that must be in order, `[earlier, later]`: an incident occurs, is discovered, then someone
 * becomes aware of harm; containment and resolution come after it occurred, resolution after
 * containment. (Containment may precede discovery: a quarantine before anyone looked.)
 */
const ORDER: ReadonlyArray<readonly [keyof ReportTimes, keyof ReportTimes]> = [
  ['occurredAt', 'discoveredAt'],
  ['discoveredAt', 'awareAt'],
  ['occurredAt', 'awareAt'],
  ['occurredAt', 'containedAt'],
  ['occurredAt', 'resolvedAt'],
  ['containedAt', 'resolvedAt'],
  // An incident is classified as major once it is known (DORA), and a ransom is paid after it happened.
  ['discoveredAt', 'classifiedMajorAt'],
  ['occurredAt', 'ransomPaidAt'],
];

/** The earliest time a report filed at `reportedAt` may name (`occurredAt` has its own bound). */
export const earliestReportTime = (reportedAt: Date, bounds: ReportTimeBounds, field = ''): Date =>
  new Date(
    reportedAt.getTime() - (field === 'occurredAt' ? bounds.occurredMaxAgeDays : bounds.maxAgeDays) * DAY_MS,
  );

/**
 * Why the report times are implausible, by field (`<prefix>.<field>`): a time more than the maximum
 * age before the report (every clock counts from these times, and a clock that fell due long ago
 * would escalate for all that time), or times out of order. "Not in the future" is the schema's.
 * Only problems touching a field in `sent` are named: a follow-up is not refused for stored times.
 *
 * @param times the times as they will stand (a follow-up's merged into the stored ones)
 * @param reportedAt when the incident was reported (now, at intake)
 */
export function reportTimeProblems(
  times: ReportTimes,
  reportedAt: Date,
  bounds: ReportTimeBounds,
  prefix: string,
  sent: ReadonlySet<string> = new Set(Object.keys(times)),
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const named = new Set<string>();
  const add = (field: string, message: string) => {
    if (named.has(field)) return;
    named.add(field);
    problems.push({ path: `${prefix}.${field}`, message });
  };
  for (const [field, value] of Object.entries(times) as Array<[keyof ReportTimes, Date | undefined]>) {
    if (value === undefined || !sent.has(field)) continue;
    const earliest = earliestReportTime(reportedAt, bounds, field);
    if (value.getTime() < earliest.getTime()) {
      const days = field === 'occurredAt' ? bounds.occurredMaxAgeDays : bounds.maxAgeDays;
      add(field, `must be at most ${days} days before the report (not before ${earliest.toISOString()})`);
    }
  }
  for (const [first, then] of ORDER) {
    const a = times[first];
    const b = times[then];
    if (a === undefined || b === undefined || a.getTime() <= b.getTime()) continue;
    if (!sent.has(first) && !sent.has(then)) continue;
    add(sent.has(then) ? then : first, `${then} must not be before ${first}`);
  }
  return problems;
}

/** Problems of external notices (`<prefix>.<i>.at`) dated more than the maximum age before the report. */
export function noticeTimeProblems(
  notices: ReadonlyArray<{ at: Date }>,
  reportedAt: Date,
  bounds: ReportTimeBounds,
  prefix: string,
): FieldProblem[] {
  const earliest = earliestReportTime(reportedAt, bounds);
  return notices.flatMap((notice, i) =>
    notice.at.getTime() < earliest.getTime()
      ? [
          {
            path: `${prefix}.${i}.at`,
            message: `must be at most ${bounds.maxAgeDays} days before the report (not before ${earliest.toISOString()})`,
          },
        ]
      : [],
  );
}
