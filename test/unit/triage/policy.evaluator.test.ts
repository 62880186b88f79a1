import { expect } from 'chai';
import { evaluatePolicy, loadPolicy, type Severity } from '../../../src/triage/index.js';
import { makeInput } from './triage-test.helpers.js';

const policy = loadPolicy('policies');
const NOW = new Date('2026-03-02T09:05:00Z');

describe('evaluatePolicy', () => {
  const severityCases: Array<{
    when: string;
    input: Record<string, unknown>;
    severity: Severity;
    rule: string;
  }> = [
    { when: 'nothing is affected', input: {}, severity: 'S4', rule: 'hk-gov/severity/default' },
    {
      when: 'functional impact is high',
      input: { functionalImpact: 'high' },
      severity: 'S1',
      rule: 'hk-gov/severity/s1-functional-impact-high',
    },
    {
      when: 'ransomware',
      input: { category: 'ransomware' },
      severity: 'S2',
      rule: 'hk-gov/severity/s2-ransomware',
    },
    {
      when: 'RESTRICTED data',
      input: { classifiedData: 'restricted' },
      severity: 'S3',
      rule: 'hk-gov/severity/s3-restricted-data',
    },
    {
      when: 'S3 with extended recovery',
      input: { functionalImpact: 'low', recoverability: 'extended' },
      severity: 'S2',
      rule: 'hk-gov/severity/recoverability-bump',
    },
    {
      when: 'not reportable with high impact',
      input: { category: 'natural_disaster', functionalImpact: 'high' },
      severity: 'S4',
      rule: 'hk-gov/severity/s4-not-reportable',
    },
  ];
  for (const c of severityCases) {
    it(`when ${c.when}, then severity is ${c.severity} and ${c.rule} is named`, () => {
      const decision = evaluatePolicy(policy, makeInput({ category: 'compromise', ...c.input }), NOW);
      expect(decision.severity).to.equal(c.severity);
      expect(decision.reasons.map((r) => r.rule)).to.include(c.rule);
    });
  }

  it('when evaluated twice, then the decisions are deeply equal (deterministic)', () => {
    const input = makeInput({
      category: 'ransomware',
      bureauRegimes: ['HK-GOV', 'HK-CI'],
      regimes: ['GDPR'],
    });
    expect(evaluatePolicy(policy, input, NOW)).to.deep.equal(evaluatePolicy(policy, input, NOW));
  });

  it('when regimes are given in another order or case, then the decision is the same', () => {
    const a = evaluatePolicy(
      policy,
      makeInput({ bureauRegimes: ['HK-CI', 'HK-GOV'], regimes: ['gdpr'] }),
      NOW,
    );
    const b = evaluatePolicy(
      policy,
      makeInput({ bureauRegimes: ['HK-GOV'], regimes: ['GDPR', 'hk-ci'] }),
      NOW,
    );
    expect(a).to.deep.equal(b);
    expect(a.regimes).to.deep.equal(['HK-GOV', 'GDPR', 'HK-CI']);
  });

  it('when the aware time is unknown, then aware clocks have no start, due or warning time', () => {
    const input = makeInput({ functionalImpact: 'low', times: { awareAt: null } });
    const clock = evaluatePolicy(policy, input, NOW).clocks.find((c) => c.key === 'hk-gov.initial-report');
    expect(clock).to.include({ startsFrom: 'aware', durationSeconds: 3600 });
    expect(clock).to.not.have.any.keys('startsAt', 'dueAt', 'warnAt');
  });

  it('when now is not given, then triaged clocks have no start time but others do', () => {
    const decision = evaluatePolicy(policy, makeInput({ functionalImpact: 'low' }));
    const ack = decision.clocks.find((c) => c.key === 'hk-gov.acknowledge');
    const initial = decision.clocks.find((c) => c.key === 'hk-gov.initial-report');
    expect(ack?.startsAt).to.equal(undefined);
    expect(initial?.dueAt?.toISOString()).to.equal('2026-03-02T09:30:00.000Z');
  });

  it('when evaluated, then the decision carries the policy version and every clock key is unique', () => {
    const input = makeInput({
      bureauRegimes: ['HK-GOV', 'HK-CI', 'NIS2'],
      regimes: ['GDPR'],
      functionalImpact: 'high',
      personalDataInvolved: true,
    });
    const decision = evaluatePolicy(policy, input, NOW);
    expect(decision.policyVersion).to.equal(policy.version);
    const keys = decision.clocks.map((c) => c.key);
    expect(new Set(keys).size).to.equal(keys.length);
  });

  it('when the input dates are mutated after evaluation, then the decision is unaffected', () => {
    const input = makeInput({ functionalImpact: 'low' });
    const decision = evaluatePolicy(policy, input, NOW);
    input.times.awareAt?.setTime(0);
    expect(decision.clocks[0]?.startsAt?.toISOString()).to.equal('2026-03-02T08:30:00.000Z');
  });
});
