import { expect } from 'chai';
import {
  evaluatePolicy,
  loadPolicy,
  runPolicyTests,
  simulateDecisions,
  CATEGORIES,
} from '../../../src/triage/index.js';
import { makeInput } from './triage-test.helpers.js';

describe('policy test cases', () => {
  it('when policies/tests run against policies/, then every case passes', () => {
    const report = runPolicyTests('policies');
    const failures = report.cases.filter((c) => !c.passed).map((c) => ({ name: c.name, diffs: c.diffs }));
    expect(failures).to.deep.equal([]);
    expect(report.passed).to.be.at.least(35);
  });

  it('when the cases run, then every category is covered', () => {
    const report = runPolicyTests('policies');
    expect(report.cases.filter((c) => c.file === 'tests/categories.yaml')).to.have.length(CATEGORIES.length);
  });
});

describe('clock names in Chinese', () => {
  // A clock without one shows its English name on the console's zh-HK pages: every shipped pack,
  // and the fast copy the queue tests use, must give one.
  for (const dir of ['policies', 'test/fixtures/policies-fast']) {
    it(`when ${dir} is loaded, then every clock of every pack has a Traditional Chinese name`, () => {
      const clocks = loadPolicy(dir).packs.flatMap((pack) =>
        pack.clocks.map((clock) => ({ key: `${pack.id}.${clock.id}`, nameZh: clock.nameZh ?? null })),
      );
      expect(clocks.length).to.be.at.least(20);
      const missing = clocks.filter((c) => c.nameZh === null || !/\p{Script=Han}/u.test(c.nameZh));
      expect(missing.map((c) => c.key)).to.deep.equal([]);
    });
  }

  it("when triage builds the clocks, then each carries the policy's Chinese name beside the English one", () => {
    const decision = evaluatePolicy(
      loadPolicy('policies'),
      makeInput({ functionalImpact: 'high' }),
      new Date(),
    );
    const preliminary = decision.clocks.find((c) => c.key === 'hk-gov.preliminary-report');
    expect(preliminary?.name).to.equal('Preliminary written report to GIRO-SO');
    expect(preliminary?.nameZh).to.equal('致 GIRO-SO 的初步書面報告');
  });
});

describe('fast fixture packs', () => {
  const real = loadPolicy('policies');
  const fast = loadPolicy('test/fixtures/policies-fast');
  const NOW = new Date('2026-03-02T09:05:00Z');
  const inputs = [
    makeInput({
      functionalImpact: 'high',
      bureauRegimes: ['HK-GOV', 'HK-CI', 'NIS2'],
      regimes: ['GDPR'],
      personalDataInvolved: true,
    }),
    makeInput({
      category: 'ransomware',
      system: { operatedBy: 'outsourced', criticalEService: true },
      impact: { availability: 'low' },
    }),
    makeInput({
      classifiedData: 'restricted',
      flags: { capSerious: true },
      bureauRegimes: ['HK-GOV', 'HK-CI'],
    }),
    makeInput({ category: 'natural_disaster' }),
    makeInput({
      functionalImpact: 'medium',
      bureauRegimes: ['HK-GOV', 'DORA', 'CIRCIA'],
      flags: { ransomPaid: true },
      times: { classifiedMajorAt: '2026-03-02T09:00:00Z', ransomPaidAt: '2026-03-02T08:45:00Z' },
    }),
  ].map((input, i) => ({ id: String(i), ref: `T-${i}`, input }));

  it('when compared with policies/, then only clock and ladder durations differ', () => {
    // Calendar lengths (business days, months) and caps are timing too: the fast copy has seconds.
    const timing =
      /^(clocks|escalation)\[[^\]]+\]\.(durationSeconds|duration|warnBeforeSeconds|warnBefore|calendar|dueAt|warnAt|afterSeconds|repeatEverySeconds|repeat\.everySeconds|repeat\.every|cap\.after\.seconds|cap\.dueAt)$/;
    const result = simulateDecisions(real, fast, inputs, { now: NOW });
    const other = result.changed.flatMap((c) => c.changes.map((d) => d.field)).filter((f) => !timing.test(f));
    expect(result.changed).to.have.length(inputs.length);
    expect(other).to.deep.equal([]);
  });

  it('when evaluated, then every clock and ladder step is seconds-scale', () => {
    for (const { input } of inputs) {
      const decision = evaluatePolicy(fast, input, NOW);
      for (const c of decision.clocks) expect(c.durationSeconds, c.key).to.be.at.most(10);
      for (const s of decision.escalation) expect(s.afterSeconds, s.key).to.be.at.most(10);
    }
  });
});
