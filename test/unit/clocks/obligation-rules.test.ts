import { expect } from 'chai';
import {
  closeClocks,
  fromSpec,
  owedAtClose,
  reconcileClocks,
  recordableBy,
  startClocks,
  type IncidentClock,
} from '../../../src/clocks/index.js';
import type { ClockSpec } from '../../../src/triage/index.js';

const T0 = new Date('2026-03-02T08:30:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function spec(overrides: Partial<ClockSpec> = {}): ClockSpec {
  return {
    key: 'hk-gov.initial-report',
    name: 'Initial report',
    regime: 'HK-GOV',
    obligation: 'report.giro.initial',
    startsFrom: 'aware',
    startsAt: T0,
    durationSeconds: 3600,
    warnBeforeSeconds: 900,
    dueAt: at(60),
    warnAt: at(45),
    ...overrides,
  };
}

describe('obligation rules: who records what, filing, closing', () => {
  describe('recordableBy', () => {
    const cases: Array<[caller: 'bureau' | 'cert', obligation: string, allowed: boolean]> = [
      ['bureau', 'report.giro.preliminary', true],
      ['bureau', 'incident.acknowledge', false],
      ['bureau', 'incident.contain', false],
      ['cert', 'report.giro.preliminary', true],
      ['cert', 'incident.acknowledge', false],
      ['cert', 'incident.contain', false],
    ];
    for (const [caller, obligation, allowed] of cases)
      it(`when ${caller} records ${obligation}, then it is ${allowed ? 'allowed' : 'refused'}`, () => {
        expect(recordableBy(caller, obligation)).to.equal(allowed);
      });
  });

  describe('met by filing', () => {
    it('when the filing came within the deadline, then the fresh clock is met at the filing time', () => {
      const [clock] = reconcileClocks([spec({ filedAt: at(30) })], [], []);
      expect(clock.state).to.equal('met');
      expect(clock.metAt).to.deep.equal(at(30));
    });

    it('when the filing came after the due time, then the clock is met late (breached, with metAt)', () => {
      const [clock] = reconcileClocks([spec({ filedAt: at(90) })], [], []);
      expect(clock.state).to.equal('breached');
      expect(clock.metAt).to.deep.equal(at(90));
    });

    it('when the policy does not say so (no filedAt), then the clock runs', () => {
      const [clock] = reconcileClocks([spec()], [], []);
      expect(clock.state).to.equal('running');
    });

    it('when the clock waits for its start, then it is met as it starts', () => {
      const pending = fromSpec(
        spec({ startsAt: undefined, dueAt: undefined, warnAt: undefined, filedAt: at(30) }),
      );
      expect(pending.state).to.equal('pending');
      const [clock] = startClocks([pending], 'aware', T0);
      expect(clock.state).to.equal('met');
      expect(clock.metAt).to.deep.equal(at(30));
    });
  });

  describe('closing', () => {
    const running = (overrides: Partial<IncidentClock>): IncidentClock => ({
      ...fromSpec(spec()),
      ...overrides,
    });
    const clocks: IncidentClock[] = [
      running({ key: 'hk-gov.preliminary-report', obligation: 'report.giro.preliminary' }),
      running({ key: 'hk-gov.acknowledge', obligation: 'incident.acknowledge' }),
      running({ key: 'hk-gov.post', obligation: 'report.giro.post-incident', state: 'breached' }),
      running({
        key: 'hk-gov.interim-report',
        obligation: 'report.giro.interim',
        repeat: { everySeconds: 60, until: 'closed' },
        occurrence: 2,
      }),
      running({ key: 'nis2.final-report', obligation: 'report.nis2.final', state: 'pending' }),
    ];

    it('when an incident closes, then only the regulatory clocks running and owed must be met or marked', () => {
      expect(owedAtClose(clocks).map((c) => c.key)).to.deep.equal(['hk-gov.preliminary-report']);
    });

    it('when it closes, then the marked clock keeps its reason and no clock is left running or pending', () => {
      const closed = closeClocks(clocks, new Map([['hk-gov.preliminary-report', 'sent by post']]), at(120));
      expect(closed.map((c) => c.state)).to.deep.equal([
        'not_applicable',
        'not_applicable',
        'breached',
        'not_applicable',
        'not_applicable',
      ]);
      expect(closed[0]?.notApplicable).to.deep.equal({ reason: 'sent by post', at: at(120) });
      expect(closed[1]?.notApplicable).to.equal(undefined);
    });
  });
});
