// Times as people read them here: Hong Kong time (Asia/Hong_Kong, no daylight saving) for people, UTC
// for machines and the hover text. One place, so the console's pages and the mails never disagree.

const HKT = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Hong_Kong',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A Date, or an ISO string of one; anything else is a template's mistake, named after `helper`. */
export function toDate(value: unknown, helper: string): Date {
  const date = value instanceof Date ? value : new Date(typeof value === 'string' ? value : Number.NaN);
  if (Number.isNaN(date.getTime())) throw new TypeError(`${helper}: not a date: ${JSON.stringify(value)}`);
  return date;
}

/** `2026-11-21 18:04` in Hong Kong time, without the zone's name (pages translate it). */
export function hkWallClock(date: Date): string {
  const parts = Object.fromEntries(HKT.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** ISO 8601 in UTC without milliseconds, e.g. `2026-11-21T10:04:00Z`. */
export function utcSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
