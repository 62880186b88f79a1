import { expect } from 'chai';
import { owedReports, type ClockLike, type StagedReport } from '../../../src/staged-reports/index.js';

const NOW = new Date('2026-12-02T10:00:00Z');
const hours = (h: number) => new Date(NOW.getTime() + h * 3_600_000);

function clock(overrides: Partial<ClockLike> = {}): ClockLike {
  return {
    key: 'hk-gov.preliminary-report',
    name: 'Preliminary written report to GIRO-SO',
    regime: 'HK-GOV',
    obligation: 'report.giro.preliminary',
    state: 'running',
    dueAt: hours(4),
    metAt: null,
    occurrence: 0,
    ...overrides,
  };
}

function version(overrides: Partial<StagedReport> = {}): StagedReport {
  return {
    id: 'a'.repeat(24),
    incidentId: 'b'.repeat(24),
    incidentRef: 'GIRO-2026-000001',
    bureauId: 'TST',
    obligation: 'report.giro.preliminary',
    name: 'Preliminary written report to GIRO-SO',
    kind: 'progress',
    occurrence: 0,
    version: 1,
    whatHappened: 'w',
    impact: 'i',
    actionsTaken: 'a',
    nextSteps: null,
    rootCause: null,
    lessonsLearnt: null,
    reportedAt: null,
    reference: null,
    submittedAt: hours(-1),
    submittedBy: { userId: 'u', name: 'R', role: 'reporter' },
    clock: {
      key: 'hk-gov.preliminary-report',
      dueAt: hours(4),
      metAt: hours(-1),
      late: false,
      metByThisReport: true,
    },
    state: 'submitted',
    review: null,
    ...overrides,
  };
}

describe('owedReports: where each report a bureau owes stands', () => {
  const cases: Array<{
    when: string;
    clocks: ClockLike[];
    reports: StagedReport[];
    status: string;
    open: boolean;
    late: boolean;
  }> = [
    {
      when: 'a running clock with nothing sent',
      clocks: [clock()],
      reports: [],
      status: 'due',
      open: true,
      late: false,
    },
    {
      when: 'a running clock past its due time',
      clocks: [clock({ dueAt: hours(-1) })],
      reports: [],
      status: 'overdue',
      open: true,
      late: false,
    },
    {
      when: 'a breached clock not yet met',
      clocks: [clock({ state: 'breached', dueAt: hours(-1) })],
      reports: [],
      status: 'overdue',
      open: true,
      late: false,
    },
    {
      when: 'a clock still waiting for its start',
      clocks: [clock({ state: 'pending', dueAt: undefined })],
      reports: [],
      status: 'not_started',
      open: false,
      late: false,
    },
    {
      when: 'a clock met by phone',
      clocks: [clock({ state: 'met', metAt: hours(-2) })],
      reports: [],
      status: 'recorded',
      open: true,
      late: false,
    },
    {
      when: 'a version waiting for review',
      clocks: [clock({ state: 'met', metAt: hours(-1) })],
      reports: [version()],
      status: 'submitted',
      open: false,
      late: false,
    },
    {
      when: 'a version sent back',
      clocks: [clock({ state: 'met', metAt: hours(-1) })],
      reports: [version({ state: 'revision_requested' })],
      status: 'revision_requested',
      open: true,
      late: false,
    },
    {
      when: 'a version sent after the deadline',
      clocks: [clock({ state: 'breached', dueAt: hours(-3), metAt: hours(-1) })],
      reports: [version()],
      status: 'submitted',
      open: false,
      late: true,
    },
  ];
  for (const c of cases) {
    it(`when ${c.when}, then it is ${c.status}${c.open ? ' and open' : ''}${c.late ? ' and late' : ''}`, () => {
      const [row] = owedReports(c.clocks, c.reports, NOW);
      expect(row).to.include({ status: c.status, open: c.open, late: c.late });
    });
  }

  it("when the incident has the CERT's clocks or no longer applicable ones, then they are not listed", () => {
    const rows = owedReports(
      [
        clock({ key: 'hk-gov.acknowledge', obligation: 'incident.acknowledge', name: 'Acknowledge' }),
        clock({ key: 'hk-gov.post', obligation: 'report.giro.post-incident', state: 'not_applicable' }),
        clock(),
      ],
      [],
      NOW,
    );
    expect(rows.map((r) => r.obligation)).to.deep.equal(['report.giro.preliminary']);
  });

  it('when a repeating clock was met once, then the met occurrence and the next are rows of their own', () => {
    const interim = clock({
      obligation: 'report.giro.interim',
      occurrence: 1,
      repeat: { every: { months: 3 } },
      history: [{ occurrence: 0, dueAt: hours(-10), state: 'met', metAt: hours(-20) }],
    });
    const rows = owedReports([interim], [version({ obligation: 'report.giro.interim' })], NOW);
    expect(rows.map((r) => [r.occurrence, r.status, r.repeats])).to.deep.equal([
      [0, 'submitted', true],
      [1, 'due', true],
    ]);
  });

  it('when a post-incident report is owed, then it is a final report', () => {
    const rows = owedReports([clock({ obligation: 'report.giro.post-incident' })], [], NOW);
    expect(rows.at(0)?.kind).to.equal('final');
  });
});
