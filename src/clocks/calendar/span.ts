/**
 * A length of time as a law states it: a fixed number of seconds (hours, days), a number of business
 * days of a calendar, or a number of calendar months. Only the fixed form is a fixed delay; the other
 * two depend on where the count starts and in which time zone it is counted.
 */
export type Span = { seconds: number } | CalendarSpan;

/** The spans that need a calendar or a time zone to count. */
export type CalendarSpan = { businessDays: number } | { months: number };

const BUSINESS_DAYS = /^([1-9]\d{0,2}) business days?$/;
const MONTHS = /^([1-9]\d{0,2}) months?$/;

/**
 * Reads `5 business days`, `1 business day`, `1 month`, `3 months`; undefined for anything else
 * (fixed durations are the policy language's own, read by its duration parser).
 */
export function parseCalendarSpan(value: unknown): CalendarSpan | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/\s+/g, ' ');
  const business = BUSINESS_DAYS.exec(text);
  if (business) return { businessDays: Number(business[1]) };
  const months = MONTHS.exec(text);
  if (months) return { months: Number(months[1]) };
  return undefined;
}

/** `5 business days`, `1 month`: the policy language's own words, for reasons and CLI output. */
export function formatCalendarSpan(span: CalendarSpan): string {
  if ('businessDays' in span) return `${span.businessDays} business day${span.businessDays === 1 ? '' : 's'}`;
  return `${span.months} month${span.months === 1 ? '' : 's'}`;
}

/** True for the spans that need a business-day calendar. */
export const needsCalendar = (span: Span | undefined): boolean =>
  span !== undefined && 'businessDays' in span;
