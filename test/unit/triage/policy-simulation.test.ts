import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { loadPolicy, simulateDecisions } from '../../../src/triage/index.js';
import { makeInput, policyCopy, removeDir } from './triage-test.helpers.js';

describe('simulateDecisions', () => {
  const current = loadPolicy('policies');
  const severity = readFileSync('policies/packs/hk-gov/severity.yaml', 'utf8');
  // Candidate: ransomware becomes S1 outright.
  const dir = policyCopy({
    'packs/hk-gov/severity.yaml': severity.replace(
      'id: s2-ransomware\n      severity: S2',
      'id: s2-ransomware\n      severity: S1',
    ),
  });
  const candidate = loadPolicy(dir);
  removeDir(dir);
  const inputs = [
    { id: 'a', ref: 'GIRO-2026-000001', input: makeInput({ category: 'ransomware' }) },
    {
      id: 'b',
      ref: 'GIRO-2026-000002',
      input: makeInput({ category: 'compromise', functionalImpact: 'low' }),
    },
  ];

  it('when a rule changes, then only the affected incidents are returned, with field differences', () => {
    const result = simulateDecisions(current, candidate, inputs, { now: new Date('2026-03-02T09:05:00Z') });
    expect(result).to.include({
      currentVersion: current.version,
      candidateVersion: candidate.version,
      evaluated: 2,
    });
    expect(result.changed.map((c) => c.ref)).to.deep.equal(['GIRO-2026-000001']);
    const changes = result.changed[0]?.changes ?? [];
    expect(changes).to.deep.include({ field: 'severity', current: 'S2', candidate: 'S1' });
    expect(changes).to.deep.include({ field: 'queue', current: 'cert-malware', candidate: 'cert-critical' });
    expect(changes.map((c) => c.field)).to.include('clocks[hk-gov.acknowledge].durationSeconds');
    expect(result.changed[0]?.reasonChanges.some((r) => r.startsWith('+ hk-gov/routing/critical'))).to.equal(
      true,
    );
  });

  it('when the policies are the same, then nothing changes', () => {
    expect(simulateDecisions(current, current, inputs).changed).to.deep.equal([]);
  });
});
