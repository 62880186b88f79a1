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

describe('simulateDecisions from the approximation to the real counting', () => {
  const pcpd = readFileSync('policies/packs/pcpd-mandatory/pack.yaml', 'utf8').replace(
    'enabled: false',
    'enabled: true',
  );
  // The pack as it was: 5 business days approximated as 7 days, warned a day before.
  const approxDir = policyCopy({
    'packs/pcpd-mandatory/pack.yaml': pcpd
      .replace('duration: 5 business days', 'duration: 7d')
      .replace('warnBefore: 1 business day', 'warnBefore: 1d'),
  });
  const realDir = policyCopy({ 'packs/pcpd-mandatory/pack.yaml': pcpd });
  const approx = loadPolicy(approxDir);
  const real = loadPolicy(realDir);
  removeDir(approxDir);
  removeDir(realDir);
  const breach = (id: string, awareAt: string) => ({
    id,
    ref: `GIRO-2026-00000${id}`,
    input: makeInput({
      regimes: ['PCPD'],
      personalDataInvolved: true,
      times: { awareAt, reportedAt: awareAt },
    }),
  });

  it('when business days replace 7 days, then it counts the incidents whose due times move', () => {
    const result = simulateDecisions(approx, real, [
      breach('1', '2026-03-03T02:00:00Z'), // a Tuesday, no holiday within 7 days: nothing moves
      breach('2', '2026-10-15T01:00:00Z'), // before Chung Yeung's substitute day: due a day later
      breach('3', '2026-03-07T02:00:00Z'), // a Saturday: due at the end of Friday, not Saturday 10:00
      breach('4', '2024-12-30T02:00:00Z'), // before the calendar's first year: cannot be counted
    ]);
    expect(result.evaluated).to.equal(4);
    expect(result.dueTimesChanged).to.equal(2);
    // Every decision now says how it counts (5 business days, the hk calendar); two deadlines move.
    expect(result.changed).to.have.length(3);
    const dueOf = (ref: string) =>
      result.changed
        .find((c) => c.ref === ref)
        ?.changes.find((d) => d.field === 'clocks[pcpd-mandatory.breach-notification].dueAt');
    expect(dueOf('GIRO-2026-000002')).to.deep.include({
      current: '2026-10-22T01:00:00.000Z',
      candidate: '2026-10-23T01:00:00.000Z',
    });
    expect(result.uncounted.map((u) => u.ref)).to.deep.equal(['GIRO-2026-000004']);
    expect(result.uncounted[0]?.error).to.match(/calendar hk covers 2025-2027/);
  });
});
