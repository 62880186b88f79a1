import { DateTime } from 'luxon';
import type { BusinessCalendar, CalendarSet } from './business-calendar.js';
import type { Span } from './span.js';

/**
 * Counting would leave the years a calendar covers, or needs a calendar the policy does not ship.
 * Never answered with a guess: a deadline counted without the holidays could fall a day late.
 */
export class CalendarRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarRangeError';
  }
}

/** How a deadline is counted: its span, the zone of the counting and, for business days, a calendar. */
export interface DeadlineRule {
  duration: Span;
  /** The warning comes this long before the due time; none when absent. */
  warnBefore?: Span;
  /** IANA zone the days and months are counted in (`Asia/Hong_Kong`, `UTC`). */
  zone: string;
  /** Id of the business-day calendar, for business-day spans. */
  calendar?: string;
  /** A time the deadline never passes (DORA: 4 h after classification, at most 24 h after awareness). */
  notAfter?: Date;
}

function calendarOf(rule: Pick<DeadlineRule, 'calendar'>, calendars: CalendarSet): BusinessCalendar {
  const calendar = rule.calendar === undefined ? undefined : calendars.get(rule.calendar);
  if (!calendar)
    throw new CalendarRangeError(
      `business days need a calendar; "${rule.calendar ?? '(none named)'}" is not one the policy ships`,
    );
  return calendar;
}

function isBusinessDay(day: DateTime, calendar: BusinessCalendar): boolean {
  if (day.year < calendar.firstYear || day.year > calendar.lastYear) {
    throw new CalendarRangeError(
      `calendar ${calendar.id} covers ${calendar.firstYear}-${calendar.lastYear}: cannot tell whether ${day.toISODate() ?? ''} is a business day`,
    );
  }
  return !calendar.weekend.includes(day.weekday) && !calendar.holidays.has(day.toISODate() ?? '');
}

/**
 * `n` business days after `t`. A business day is 24 hours that count; weekends and holidays do not.
 * Started during a business day, the deadline is the same time of day on the n-th business day after
 * it. Started on a day off, or at its midnight, the count begins with the next business day as a
 * whole day: the deadline is the end (the following midnight) of the n-th business day. Either way it
 * is the earliest reading of "within n business days", so the clock never falls due after the law's.
 */
function addBusinessDays(t: DateTime, n: number, calendar: BusinessCalendar): DateTime {
  const day = t.startOf('day');
  if (isBusinessDay(day, calendar) && t.toMillis() !== day.toMillis()) {
    let d = day;
    for (let left = n; left > 0;) {
      d = d.plus({ days: 1 });
      if (isBusinessDay(d, calendar)) left--;
    }
    return d.set({ hour: t.hour, minute: t.minute, second: t.second, millisecond: t.millisecond });
  }
  let d = day;
  while (!isBusinessDay(d, calendar)) d = d.plus({ days: 1 });
  for (let left = n - 1; left > 0;) {
    d = d.plus({ days: 1 });
    if (isBusinessDay(d, calendar)) left--;
  }
  return d.plus({ days: 1 }).startOf('day');
}

/** `n` business days before `t`, the mirror of {@link addBusinessDays} (for warning times). */
function subtractBusinessDays(t: DateTime, n: number, calendar: BusinessCalendar): DateTime {
  const day = t.startOf('day');
  const midnight = t.toMillis() === day.toMillis();
  if (!midnight && isBusinessDay(day, calendar)) {
    let d = day;
    for (let left = n; left > 0;) {
      d = d.minus({ days: 1 });
      if (isBusinessDay(d, calendar)) left--;
    }
    return d.set({ hour: t.hour, minute: t.minute, second: t.second, millisecond: t.millisecond });
  }
  // A midnight ends the day before it; business time on a day off does not count.
  let d = midnight ? day.minus({ days: 1 }) : day;
  while (!isBusinessDay(d, calendar)) d = d.minus({ days: 1 });
  for (let left = n - 1; left > 0;) {
    d = d.minus({ days: 1 });
    if (isBusinessDay(d, calendar)) left--;
  }
  return d;
}

/**
 * `start` moved by `span` (backwards with `sign` -1), counted in the rule's zone: months with luxon's
 * calendar arithmetic (same time of day, clamped to the month's last day: 31 Jan + 1 month = 28 Feb),
 * business days with the rule's calendar, seconds as a fixed delay.
 * @throws CalendarRangeError when business days would be counted outside the calendar's years
 */
export function shiftBySpan(
  start: Date,
  span: Span,
  rule: Pick<DeadlineRule, 'zone' | 'calendar'>,
  calendars: CalendarSet,
  sign: 1 | -1 = 1,
): Date {
  if ('seconds' in span) return new Date(start.getTime() + sign * span.seconds * 1000);
  const t = DateTime.fromJSDate(start, { zone: rule.zone });
  if (!t.isValid) throw new CalendarRangeError(`cannot count in time zone "${rule.zone}"`);
  if ('months' in span)
    return (sign === 1 ? t.plus({ months: span.months }) : t.minus({ months: span.months })).toJSDate();
  const calendar = calendarOf(rule, calendars);
  const moved =
    sign === 1
      ? addBusinessDays(t, span.businessDays, calendar)
      : subtractBusinessDays(t, span.businessDays, calendar);
  return moved.toJSDate();
}

/** Due and warning times of a deadline counted from `start`, the due time capped by `notAfter`. */
export function deadlineTimes(
  start: Date,
  rule: DeadlineRule,
  calendars: CalendarSet,
): { dueAt: Date; warnAt?: Date } {
  let dueAt = shiftBySpan(start, rule.duration, rule, calendars);
  if (rule.notAfter && rule.notAfter.getTime() < dueAt.getTime()) dueAt = new Date(rule.notAfter.getTime());
  const warn = rule.warnBefore;
  if (!warn || ('seconds' in warn && warn.seconds === 0)) return { dueAt };
  return { dueAt, warnAt: shiftBySpan(dueAt, warn, rule, calendars, -1) };
}
