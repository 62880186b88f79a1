/**
 * Deadline arithmetic as the law counts it: business days of a shipped calendar, calendar months, and
 * fixed delays, in a stated time zone. Pure functions over plain data; nothing here reads a file, a
 * clock or another module, so triage (deciding clocks) and the clock rules (starting, repeating,
 * chaining them later) count the same way.
 */
export type { Span, CalendarSpan } from './span.js';
export { parseCalendarSpan, formatCalendarSpan, needsCalendar } from './span.js';
export type { BusinessCalendar, CalendarSet, CalendarFile } from './business-calendar.js';
export { calendarFileSchema, businessCalendar, isValidZone } from './business-calendar.js';
export type { DeadlineRule } from './deadline.js';
export { CalendarRangeError, shiftBySpan, deadlineTimes } from './deadline.js';
