import { expect } from 'chai';
import { INCIDENT_STATUSES } from '../../../src/incidents/index.js';
import {
  FINAL_STATES,
  LIFECYCLE_STATES,
  TRANSITIONS,
  allowedNext,
  canTransition,
  closeProblems,
} from '../../../src/workflow/index.js';

describe('lifecycle table', () => {
  it('when read, then it covers every incident status and names only known states', () => {
    expect([...LIFECYCLE_STATES].sort()).to.deep.equal([...INCIDENT_STATUSES].sort());
    for (const next of Object.values(TRANSITIONS))
      for (const state of next) expect(INCIDENT_STATUSES).to.include(state);
  });

  for (const from of LIFECYCLE_STATES) {
    for (const to of LIFECYCLE_STATES) {
      const legal = TRANSITIONS[from].includes(to);
      it(`when ${from} → ${to}, then it is ${legal ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).to.equal(legal);
        expect(allowedNext(from)).to.equal(TRANSITIONS[from]);
      });
    }
  }

  it('when an incident is final, then nothing follows; every open state can reach closed', () => {
    for (const state of FINAL_STATES) expect(TRANSITIONS[state]).to.deep.equal([]);
    const reaches = (from: string, seen = new Set<string>()): boolean =>
      from === 'closed' ||
      (!seen.has(from) &&
        (seen.add(from), TRANSITIONS[from as keyof typeof TRANSITIONS].some((n) => reaches(n, seen))));
    for (const state of [
      'triaged',
      'acknowledged',
      'investigating',
      'contained',
      'eradicated',
      'recovered',
    ] as const) {
      expect(reaches(state), state).to.equal(true);
    }
  });

  it('when closing S1/S2 without the review, then the missing fields are named; S3 needs none', () => {
    expect(closeProblems('S2', { rootCause: 'x', cost: 0 }).map((p) => p.path)).to.deep.equal([
      'postIncident.lessonsLearnt',
      'postIncident.affectedPeople',
    ]);
    expect(
      closeProblems('S1', { rootCause: ' ', lessonsLearnt: 'l', cost: 1, affectedPeople: 0 }).map(
        (p) => p.path,
      ),
    ).to.deep.equal(['postIncident.rootCause']);
    expect(closeProblems('S3', {})).to.deep.equal([]);
  });
});
