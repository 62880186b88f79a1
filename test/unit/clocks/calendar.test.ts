import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  businessCalendar,
  calendarFileSchema,
  CalendarRangeError,
  deadlineTimes,
  shiftBySpan,
  type CalendarSet,
  type Span,
} from '../../../src/clocks/calendar/index.js';

const hk = businessCalendar(
  calendarFileSchema.parse(parse(readFileSync('policies/calendars/hk.yaml', 'utf8'))),
);
const calendars: CalendarSet = new Map([[hk.id, hk]]);
const HKT = { zone: 'Asia/Hong_Kong', calendar: 'hk' };
const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
const shift = (start: string, span: Span, counting = HKT, sign: 1 | -1 = 1) =>
  iso(shiftBySpan(new Date(start), span, counting, calendars, sign));

describe('deadline arithmetic', () => {
  // Times are UTC; HKT is UTC+8. Table: start, span, expected due, why.
  const forward: Array<[string, Span, string, string]> = [
    [
      '2026-03-02T02:00:00Z',
      { businessDays: 5 },
      '2026-03-09T02:00:00Z',
      'Monday 10:00 HKT to the next Monday',
    ],
    ['2026-03-04T07:30:00Z', { businessDays: 5 }, '2026-03-11T07:30:00Z', 'Wednesday across a weekend'],
    [
      '2026-03-07T02:00:00Z',
      { businessDays: 5 },
      '2026-03-13T16:00:00Z',
      'a Saturday start counts whole days from Monday',
    ],
    [
      '2026-03-01T16:00:00Z',
      { businessDays: 5 },
      '2026-03-06T16:00:00Z',
      'Monday 00:00 HKT counts Monday whole',
    ],
    [
      '2026-10-15T01:00:00Z',
      { businessDays: 5 },
      '2026-10-23T01:00:00Z',
      'Chung Yeung substitute Monday 19 October',
    ],
    [
      '2026-04-02T02:00:00Z',
      { businessDays: 1 },
      '2026-04-08T02:00:00Z',
      'Easter 2026: four days off in a row',
    ],
    ['2026-01-31T10:00:00Z', { months: 1 }, '2026-02-28T10:00:00Z', '31 Jan + 1 month clamps to 28 Feb'],
    ['2026-11-30T02:00:00Z', { months: 3 }, '2027-02-28T02:00:00Z', '30 Nov + 3 months clamps to 28 Feb'],
    ['2026-03-02T08:30:00Z', { seconds: 3600 }, '2026-03-02T09:30:00Z', 'a fixed delay'],
  ];
  for (const [start, span, due, why] of forward) {
    it(`when counting ${JSON.stringify(span)} from ${start} (${why}), then it is due at ${due}`, () => {
      expect(shift(start, span)).to.equal(due);
    });
  }

  it('when a month is counted in HKT rather than UTC, then the month end is the HKT one', () => {
    // 30 Jan 20:00 UTC is already 31 Jan 04:00 in Hong Kong: a month on is 28 Feb 04:00 HKT.
    expect(shift('2026-01-30T20:00:00Z', { months: 1 })).to.equal('2026-02-27T20:00:00Z');
    expect(shift('2026-01-30T20:00:00Z', { months: 1 }, { zone: 'UTC', calendar: 'hk' })).to.equal(
      '2026-02-28T20:00:00Z',
    );
  });

  it('when a warning is a business day before the due time, then it skips the weekend and holidays', () => {
    expect(shift('2026-10-20T01:00:00Z', { businessDays: 1 }, HKT, -1)).to.equal('2026-10-16T01:00:00Z');
    expect(shift('2026-03-13T16:00:00Z', { businessDays: 1 }, HKT, -1)).to.equal('2026-03-12T16:00:00Z');
  });

  it('when the cap comes first, then the due time is the cap and the warning counts back from it', () => {
    const times = deadlineTimes(
      new Date('2026-03-02T07:00:00Z'),
      {
        duration: { seconds: 4 * 3600 },
        warnBefore: { seconds: 3600 },
        zone: 'UTC',
        notAfter: new Date('2026-03-02T09:00:00Z'),
      },
      calendars,
    );
    expect(iso(times.dueAt)).to.equal('2026-03-02T09:00:00Z');
    expect(times.warnAt && iso(times.warnAt)).to.equal('2026-03-02T08:00:00Z');
  });

  it('when business days would run past the calendar, then it throws a CalendarRangeError naming it', () => {
    expect(() => shift('2027-12-28T02:00:00Z', { businessDays: 5 })).to.throw(
      CalendarRangeError,
      /calendar hk covers 2025-2027/,
    );
    expect(() => shift('2024-12-30T02:00:00Z', { businessDays: 1 })).to.throw(CalendarRangeError);
  });

  it('when business days name a calendar the policy does not ship, then it throws rather than guess', () => {
    expect(() =>
      shift('2026-03-02T02:00:00Z', { businessDays: 1 }, { zone: 'UTC', calendar: 'uk' }),
    ).to.throw(CalendarRangeError, /"uk" is not one the policy ships/);
  });
});

describe('calendar files', () => {
  const file = (holidays: unknown[], years = { from: 2026, to: 2026 }) => ({
    calendar: {
      id: 'x',
      name: 'X',
      zone: 'Asia/Hong_Kong',
      weekend: ['saturday', 'sunday'],
      years,
      sources: ['s'],
    },
    holidays,
  });
  const messages = (raw: unknown) => {
    const parsed = calendarFileSchema.safeParse(raw);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('when the shipped HK calendar is read, then it covers 2025-2027 with 17 holidays a year', () => {
    expect([hk.firstYear, hk.lastYear]).to.deep.equal([2025, 2027]);
    for (const year of ['2025', '2026', '2027'])
      expect(
        [...hk.holidays.keys()].filter((d) => d.startsWith(year)),
        year,
      ).to.have.length(17);
    expect(hk.holidays.get('2026-10-19')).to.equal('The day following Chung Yeung Festival');
  });

  it('when a date is outside the years, listed twice or not a date, then each is named', () => {
    expect(messages(file([{ date: '2026-02-30', name: 'd' }]))).to.deep.equal([
      'holidays.0.date: not a calendar date',
    ]);
    expect(
      messages(
        file([
          { date: '2027-01-01', name: 'a' },
          { date: '2026-05-01', name: 'b' },
          { date: '2026-05-01', name: 'c' },
        ]),
      ),
    ).to.deep.equal([
      'holidays.0.date: 2027-01-01 is outside the years the calendar covers (2026-2026)',
      'holidays.2.date: 2026-05-01 is listed twice',
    ]);
  });

  it('when a covered year lists no holiday or the zone is unknown, then the file is refused', () => {
    expect(messages(file([{ date: '2026-05-01', name: 'b' }], { from: 2026, to: 2027 }))).to.deep.equal([
      'holidays: no holiday listed for 2027',
    ]);
    const badZone = file([{ date: '2026-05-01', name: 'b' }]);
    badZone.calendar.zone = 'Asia/Kowloon';
    expect(messages(badZone)).to.deep.equal([
      'calendar.zone: expected an IANA time zone such as Asia/Hong_Kong',
    ]);
  });
});
