import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/** ISO weekday numbers (Monday 1 … Sunday 7) by name, as a calendar file writes them. */
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/**
 * A business-day calendar: the days that are not business days (the weekend and the listed
 * holidays, substitute days included) for the years it covers, in the time zone its dates belong to.
 * Outside those years it knows nothing, and counting there is an error, never a guess.
 */
export interface BusinessCalendar {
  readonly id: string;
  readonly name: string;
  /** IANA zone the holiday dates are local to, e.g. `Asia/Hong_Kong`. */
  readonly zone: string;
  /** ISO weekdays that are never business days (Saturday 6, Sunday 7). */
  readonly weekend: readonly number[];
  readonly firstYear: number;
  readonly lastYear: number;
  /** Holiday name by ISO date (`2026-10-19`). */
  readonly holidays: ReadonlyMap<string, string>;
}

/** Calendars by id, as the policy ships them. */
export type CalendarSet = ReadonlyMap<string, BusinessCalendar>;

/** True when luxon (the platform's ICU data) knows the IANA zone name. */
export const isValidZone = (zone: string): boolean => IANAZone.isValidZone(zone);

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s, { zone: 'UTC' }).isValid, 'not a calendar date');

/**
 * One calendar file (`policies/calendars/<id>.yaml`). The checks here are what a single file can be
 * wrong about: an unknown zone, a date outside the years it claims, a date listed twice, a covered
 * year with no holiday at all (a year left out by mistake would otherwise count as all working days).
 */
export const calendarFileSchema = z
  .strictObject({
    calendar: z.strictObject({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case id (a-z, 0-9, -)'),
      name: z.string().min(1),
      zone: z.string().refine(isValidZone, 'expected an IANA time zone such as Asia/Hong_Kong'),
      weekend: z.array(z.enum(WEEKDAYS)).max(6),
      years: z
        .strictObject({ from: z.number().int().min(1970), to: z.number().int().max(9999) })
        .refine((y) => y.from <= y.to, 'from must not be after to'),
      /** Where the dates come from (gazette notices, press releases): kept with the data. */
      sources: z.array(z.string().min(1)).min(1),
      description: z.string().optional(),
    }),
    holidays: z.array(
      z.strictObject({
        date: isoDate,
        name: z.string().min(1),
        /** A day given in place of a holiday that fell on a Sunday or on another holiday. */
        substitute: z.boolean().default(false),
      }),
    ),
  })
  .superRefine((file, ctx) => {
    const { from, to } = file.calendar.years;
    const seen = new Set<string>();
    const years = new Set<number>();
    file.holidays.forEach((h, i) => {
      const year = Number(h.date.slice(0, 4));
      if (year < from || year > to)
        ctx.addIssue({
          code: 'custom',
          path: ['holidays', i, 'date'],
          message: `${h.date} is outside the years the calendar covers (${from}-${to})`,
        });
      if (seen.has(h.date))
        ctx.addIssue({ code: 'custom', path: ['holidays', i, 'date'], message: `${h.date} is listed twice` });
      seen.add(h.date);
      years.add(year);
    });
    for (let year = from; year <= to; year++) {
      if (!years.has(year))
        ctx.addIssue({ code: 'custom', path: ['holidays'], message: `no holiday listed for ${year}` });
    }
  });
export type CalendarFile = z.output<typeof calendarFileSchema>;

/** The calendar a valid file describes. */
export function businessCalendar(file: CalendarFile): BusinessCalendar {
  const c = file.calendar;
  return {
    id: c.id,
    name: c.name,
    zone: c.zone,
    weekend: [...new Set(c.weekend.map((d) => WEEKDAYS.indexOf(d) + 1))].sort(),
    firstYear: c.years.from,
    lastYear: c.years.to,
    holidays: new Map(file.holidays.map((h) => [h.date, h.name])),
  };
}
