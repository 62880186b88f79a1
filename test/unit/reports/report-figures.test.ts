import { expect } from 'chai';
import { clockOutcome, incidentDurations, secondsLate } from '../../../src/reports/clock-outcome.js';
import { periodOf } from '../../../src/reports/compliance.aggregator.js';
import { distribution, percentile } from '../../../src/reports/percentile.js';
import {
  type ReportIncident,
  type StoredClock,
  toReportIncident,
} from '../../../src/reports/report-incident.js';

const due = new Date('2026-03-01T10:00:00Z');
const clock = (overrides: Partial<StoredClock>): StoredClock => ({
  key: 'hk-gov.initial-report',
  name: 'Initial report',
  regime: 'HK-GOV',
  obligation: 'report.giro.initial',
  startsAt: new Date('2026-03-01T09:00:00Z'),
  dueAt: due,
  state: 'running',
  metAt: null,
  breachedAt: null,
  escalations: [],
  occurrence: 1,
  ...overrides,
});
const minutes = (n: number) => new Date(due.getTime() + n * 60_000);

describe('reports: clock outcomes', () => {
  const cases: Array<[string, Partial<StoredClock>, string]> = [
    ['met before due', { state: 'met', metAt: minutes(-1) }, 'met'],
    ['met exactly at due', { state: 'met', metAt: due }, 'met'],
    ['stored met after due', { state: 'met', metAt: minutes(1) }, 'breached'],
    ['breached, never met', { state: 'breached', breachedAt: due }, 'breached'],
    ['breached then met', { state: 'met', metAt: minutes(30), breachedAt: due }, 'breached'],
    ['running', { state: 'running' }, 'open'],
    ['pending without a start', { state: 'pending', dueAt: null, startsAt: null }, 'open'],
    ['not applicable', { state: 'not_applicable' }, 'not_applicable'],
  ];
  for (const [name, overrides, expected] of cases) {
    it(`when a clock is ${name}, then it counts as ${expected}`, () => {
      expect(clockOutcome(clock(overrides))).to.equal(expected);
    });
  }

  it('when a clock was met late or is still open past due, then the lateness is counted in seconds', () => {
    expect(secondsLate(clock({ metAt: minutes(2) }), minutes(100))).to.equal(120);
    expect(secondsLate(clock({}), minutes(5))).to.equal(300);
    expect(secondsLate(clock({ metAt: minutes(-2) }), minutes(5))).to.equal(null);
  });
});

describe('reports: percentiles are nearest-rank', () => {
  const cases: Array<[number[], number, number | null]> = [
    [[], 50, null],
    [[7], 90, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90, 10],
  ];
  for (const [values, p, expected] of cases) {
    it(`when p${p} of [${values.join(',')}] is taken, then it is ${String(expected)}`, () => {
      expect(percentile(values, p)).to.equal(expected);
    });
  }

  it('when a sample is unsorted, then the distribution sorts a copy', () => {
    const values = [30, 10, 20];
    expect(distribution(values)).to.deep.equal({ count: 3, median: 20, p90: 30 });
    expect(values).to.deep.equal([30, 10, 20]);
  });
});

describe('reports: periods are Hong Kong calendar periods', () => {
  const cases: Array<[string, 'month' | 'quarter' | 'year' | 'all', string]> = [
    ['2026-03-31T15:59:59Z', 'month', '2026-03'],
    ['2026-03-31T16:00:00Z', 'month', '2026-04'], // midnight in Hong Kong
    ['2026-03-31T16:00:00Z', 'quarter', '2026-Q2'],
    ['2025-12-31T16:30:00Z', 'year', '2026'],
    ['2025-12-31T16:30:00Z', 'all', 'all'],
  ];
  for (const [at, interval, expected] of cases) {
    it(`when ${at} is bucketed by ${interval}, then it is ${expected}`, () => {
      expect(periodOf(new Date(at), interval)).to.equal(expected);
    });
  }
});

describe('reports: response times', () => {
  const base = (): ReportIncident =>
    toReportIncident({
      _id: 'x',
      reportedAt: new Date('2026-03-01T10:00:00Z'),
      facts: { times: { discoveredAt: '2026-03-01T08:00:00Z', awareAt: '2026-03-01T09:00:00Z' } },
      clocks: [{ key: 'a', obligation: 'incident.acknowledge', state: 'met', metAt: '2026-03-01T10:12:00Z' }],
    });

  it('when an incident was acknowledged but not contained, then only acknowledge is measured', () => {
    expect(incidentDurations(base())).to.deep.equal({ acknowledge: 720 });
  });

  it('when containment and resolution are recorded, then they count from awareness', () => {
    const incident = base();
    incident.times.containedAt = new Date('2026-03-01T11:00:00Z');
    incident.times.resolvedAt = new Date('2026-03-02T09:00:00Z');
    expect(incidentDurations(incident)).to.deep.equal({ acknowledge: 720, contain: 7200, resolve: 86_400 });
  });

  it('when containment preceded the report, then it counts as zero, never negative', () => {
    const incident = base();
    incident.times.awareAt = new Date('2026-03-01T12:00:00Z');
    incident.times.containedAt = new Date('2026-03-01T11:00:00Z');
    expect(incidentDurations(incident).contain).to.equal(0);
  });
});
