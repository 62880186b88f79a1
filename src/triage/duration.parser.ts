import { formatCalendarSpan, parseCalendarSpan, type Span } from '../clocks/calendar/index.js';

const UNIT_SECONDS = new Map([
  ['w', 604_800],
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
]);
const DURATION = /^(?:\d+[smhdw])+$/;
const PART = /(\d+)([smhdw])/g;

/**
 * Parses a policy duration (`90s`, `15m`, `48h`, `14d`, `1w`, `1h30m`) or a number of seconds.
 * Months and business days are not fixed delays: {@link parseSpan} reads those. Returns undefined
 * when the text is not a duration.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !DURATION.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART))
    total += Number(amount) * (UNIT_SECONDS.get(unit) ?? 0);
  return total;
}

/** Shortest exact form of a number of seconds, e.g. `90m` → `1h30m`, for reasons and CLI output. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let text = '';
  for (const [unit, size] of UNIT_SECONDS) {
    const amount = Math.floor(rest / size);
    if (amount > 0) text += `${amount}${unit}`;
    rest -= amount * size;
  }
  return text;
}

/**
 * Parses a clock length: a fixed duration (as {@link parseDuration}) or a calendar span
 * (`5 business days`, `1 month`, `3 months`). Undefined when the text is neither.
 */
export function parseSpan(value: unknown): Span | undefined {
  const calendar = parseCalendarSpan(value);
  if (calendar) return calendar;
  const seconds = parseDuration(value);
  return seconds === undefined ? undefined : { seconds };
}

/** `1h30m`, `5 business days`, `1 month`: a span as the policy language writes it. */
export const formatSpan = (span: Span): string =>
  'seconds' in span ? formatDuration(span.seconds) : formatCalendarSpan(span);
