import { expect } from 'chai';
import {
  factsOfNewIncident,
  fromSpec,
  meetClocks,
  planClocks,
  reconcileClocks,
  startClocks,
} from '../../../src/clocks/index.js';
import { loadPolicy, type ClockSpec } from '../../../src/triage/index.js';

const { calendars } = loadPolicy('policies', { now: new Date('2026-03-02T00:00:00Z') });
const iso = (d: Date | string | undefined) => (d === undefined ? undefined : new Date(d).toISOString());

function spec(overrides: Partial<ClockSpec>): ClockSpec {
  return {
    key: 'x.clock',
    name: 'A clock',
    regime: 'X',
    obligation: 'report.x',
    startsFrom: 'aware',
    warnBeforeSeconds: 0,
    zone: 'Asia/Hong_Kong',
    ...overrides,
  };
}

const PCPD = spec({
  key: 'pcpd-mandatory.breach-notification',
  obligation: 'report.pcpd.breach',
  duration: { businessDays: 5 },
  warnBefore: { businessDays: 1 },
  calendar: 'hk',
});

describe('clock rules counting with calendars', () => {
  it('when a business-day clock starts before Chung Yeung 2026, then its timer is on the shifted day', () => {
    // Thursday 15 Oct 09:00 HKT; Monday 19 Oct is the substitute holiday: due Friday 23 Oct 09:00 HKT.
    const [clock] = startClocks([fromSpec(PCPD)], 'aware', new Date('2026-10-15T01:00:00Z'), calendars);
    expect(iso(clock.dueAt)).to.equal('2026-10-23T01:00:00.000Z');
    const input = {
      clocks: [clock],
      decided: null,
      clockEvents: [],
      clockTimers: [],
      facts: factsOfNewIncident(),
      ladder: [],
      severity: 'S2',
      open: true,
    };
    // On Thursday 22 Oct, the day the 7-day approximation fell due, nothing has happened yet.
    const plan = planClocks(input, new Date('2026-10-22T02:00:00Z'), calendars);
    expect(plan.events.map((e) => e.kind)).to.deep.equal(['warning']);
    expect(plan.timers.map((t) => [t.kind, t.at.toISOString()])).to.deep.equal([
      ['due', '2026-10-23T01:00:00.000Z'],
    ]);
    expect(plan.nextDueAt?.toISOString()).to.equal('2026-10-23T01:00:00.000Z');
  });

  it('when the interim report is met on 30 November, then the next one is due 3 calendar months later', () => {
    const interim = fromSpec(
      spec({
        key: 'hk-gov.interim-report',
        obligation: 'report.giro.interim',
        startsFrom: 'first_report',
        durationSeconds: 14 * 86_400,
        repeat: { every: { months: 3 }, until: 'closed' },
        startsAt: new Date('2026-11-20T02:00:00Z'),
        dueAt: new Date('2026-12-04T02:00:00Z'),
      }),
    );
    const { clocks } = meetClocks(
      [interim],
      'report.giro.interim',
      new Date('2026-11-30T02:00:00Z'),
      calendars,
    );
    expect(clocks[0]?.occurrence).to.equal(1);
    expect(iso(clocks[0]?.dueAt)).to.equal('2027-02-28T02:00:00.000Z');
  });

  const FINAL = spec({
    key: 'dora.final-report',
    obligation: 'report.dora.final',
    startsFrom: 'met',
    after: { obligation: 'report.dora.intermediate', record: 'latest' },
    duration: { months: 1 },
    zone: 'UTC',
  });

  it('when the obligation a clock is chained to is recorded, then the clock starts from it', () => {
    const pending = fromSpec(FINAL);
    expect(pending.state).to.equal('pending');
    const first = meetClocks(
      [pending],
      'report.dora.intermediate',
      new Date('2026-01-31T10:00:00Z'),
      calendars,
    );
    expect(first.clocks[0]?.state).to.equal('running');
    expect(iso(first.clocks[0]?.dueAt)).to.equal('2026-02-28T10:00:00.000Z');
    // A later intermediate report moves the final report's deadline ("latest").
    const second = meetClocks(
      first.clocks,
      'report.dora.intermediate',
      new Date('2026-02-20T10:00:00Z'),
      calendars,
    );
    expect(iso(second.clocks[0]?.dueAt)).to.equal('2026-03-20T10:00:00.000Z');
  });

  it('when a chained clock follows the first record, then a later record leaves it alone', () => {
    const nis2 = { ...FINAL, after: { obligation: 'report.nis2.notification', record: 'first' as const } };
    const first = meetClocks(
      [fromSpec(nis2)],
      'report.nis2.notification',
      new Date('2026-03-31T10:00:00Z'),
      calendars,
    );
    const again = meetClocks(
      first.clocks,
      'report.nis2.notification',
      new Date('2026-04-02T10:00:00Z'),
      calendars,
    );
    expect(iso(again.clocks[0]?.dueAt)).to.equal('2026-04-30T10:00:00.000Z');
  });

  it('when triage adds a chained clock after its obligation was recorded, then it starts from the record', () => {
    const obligations = [
      {
        obligation: 'report.dora.intermediate',
        at: new Date('2026-03-05T10:00:00Z'),
        recordedBy: { userId: 'u', role: 'reporter', bureauId: 'B' },
      },
    ];
    const [clock] = reconcileClocks([FINAL], [], obligations, calendars);
    expect(clock.state).to.equal('running');
    expect(iso(clock.dueAt)).to.equal('2026-04-05T10:00:00.000Z');
  });

  it('when awareness is recorded after classification, then the DORA cap is set and the due time capped', () => {
    const initial = fromSpec(
      spec({
        key: 'dora.initial-notification',
        obligation: 'report.dora.initial',
        startsFrom: 'classified_major',
        durationSeconds: 4 * 3600,
        zone: 'UTC',
        cap: { startsFrom: 'aware', after: { seconds: 24 * 3600 } },
        startsAt: new Date('2026-03-02T07:00:00Z'),
        dueAt: new Date('2026-03-02T11:00:00Z'),
      }),
    );
    const [clock] = startClocks([initial], 'aware', new Date('2026-03-01T09:00:00Z'), calendars);
    expect(iso(clock.cap?.dueAt)).to.equal('2026-03-02T09:00:00.000Z');
    expect(iso(clock.dueAt)).to.equal('2026-03-02T09:00:00.000Z');
  });
});
