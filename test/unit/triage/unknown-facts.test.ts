import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  evaluatePolicy,
  loadPolicy,
  PolicyLoadError,
  type Policy,
  type PolicyPack,
} from '../../../src/triage/index.js';
import { makeInput, policyCopy, removeDir } from './triage-test.helpers.js';

const NOW = new Date('2026-03-02T09:05:00Z');
const policy = loadPolicy('policies');
const SEVERITY_FILE = 'packs/hk-gov/severity.yaml';
const severityYaml = readFileSync(`policies/${SEVERITY_FILE}`, 'utf8');

/** The real policy with the default pack's reading of unknown facts replaced. */
function reading(unknown: NonNullable<PolicyPack['unknown']>): Policy {
  return {
    ...policy,
    packs: policy.packs.map((pack) => (pack.isDefault ? { ...pack, unknown } : pack)),
  };
}

function loadError(files: Record<string, string>): PolicyLoadError {
  const dir = policyCopy(files);
  try {
    loadPolicy(dir);
  } catch (err) {
    if (err instanceof PolicyLoadError) return err;
    throw err;
  } finally {
    removeDir(dir);
  }
  throw new Error('expected the policy to fail to load');
}

const reasonOf = (decision: ReturnType<typeof evaluatePolicy>, rule: string) =>
  decision.reasons.find((r) => r.rule === rule)?.detail;

describe('Unknown facts in triage', () => {
  const tier3UnknownAvailability = () =>
    makeInput({
      category: 'compromise',
      system: { tier: 3 },
      impact: { availability: 'unknown' },
    });

  it('when the pack reads unknown impact as the worst level, then an unknown availability of a tier-3 system is S1', () => {
    const decision = evaluatePolicy(
      reading({ impact: 'worst', recoverability: 'regular' }),
      tier3UnknownAvailability(),
      NOW,
    );
    expect(decision.severity).to.equal('S1');
    expect(reasonOf(decision, 'hk-gov/unknown/impact.availability')).to.equal(
      'impact.availability not known yet: read as high (the worst level)',
    );
  });

  it('when the pack reads unknown impact as a given level, then the same incident is judged at that level', () => {
    const decision = evaluatePolicy(
      reading({ impact: 'low', recoverability: 'regular' }),
      tier3UnknownAvailability(),
      NOW,
    );
    expect(decision.severity).to.equal('S2');
    expect(decision.reasons.map((r) => r.rule)).to.include('hk-gov/severity/s2-tier-2-or-3-system');
    expect(reasonOf(decision, 'hk-gov/unknown/impact.availability')).to.equal(
      'impact.availability not known yet: read as low (the level the policy gives)',
    );
  });

  const lowImpactUnknownRecovery = () =>
    makeInput({
      category: 'compromise',
      functionalImpact: 'low',
      recoverability: 'unknown',
    });

  it('when the pack reads unknown recoverability as the worst, then it bumps the severity a level', () => {
    const decision = evaluatePolicy(
      reading({ impact: 'none', recoverability: 'worst' }),
      lowImpactUnknownRecovery(),
      NOW,
    );
    expect(decision.severity).to.equal('S2');
    expect(reasonOf(decision, 'hk-gov/unknown/recoverability')).to.equal(
      'recoverability not known yet: read as not_recoverable (the worst level)',
    );
  });

  it('when the pack reads unknown recoverability as regular, then it does not bump the severity', () => {
    const decision = evaluatePolicy(
      reading({ impact: 'none', recoverability: 'regular' }),
      lowImpactUnknownRecovery(),
      NOW,
    );
    expect(decision.severity).to.equal('S3');
    expect(decision.reasons.map((r) => r.rule)).to.not.include('hk-gov/severity/recoverability-bump');
  });

  const loadCases: Array<{
    when: string;
    files: Record<string, string>;
    file: string;
    path: string;
    reason: RegExp;
  }> = [
    {
      when: 'the default pack does not say how unknown facts are read',
      files: { [SEVERITY_FILE]: severityYaml.replace(/^unknown:[\s\S]*$/m, '') },
      file: 'packs/hk-gov/pack.yaml',
      path: 'unknown',
      reason: /the default pack must define "unknown"/,
    },
    {
      when: 'a regime pack says how unknown facts are read',
      files: {
        'packs/gdpr/pack.yaml': `${readFileSync('policies/packs/gdpr/pack.yaml', 'utf8')}\nunknown: { impact: worst, recoverability: worst }\n`,
      },
      file: 'packs/gdpr/pack.yaml',
      path: 'unknown',
      reason: /only the default pack may define it/,
    },
    {
      when: 'the reading names a level that does not exist',
      files: { [SEVERITY_FILE]: severityYaml.replace('impact: worst', 'impact: severe') },
      file: SEVERITY_FILE,
      path: 'unknown.impact',
      reason: /"worst"\|"none"\|"low"\|"medium"\|"high"/,
    },
  ];
  for (const c of loadCases) {
    it(`when ${c.when}, then the policy fails to load naming ${c.path}`, () => {
      const err = loadError(c.files);
      const issue = err.issues.find((i) => i.file === c.file && i.path === c.path);
      expect(issue, JSON.stringify(err.issues)).to.not.equal(undefined);
      expect(issue?.reason).to.match(c.reason);
    });
  }
});
