import { expect } from 'chai';
import { auditDraft } from '../../../src/audit/index.js';
import { IN_FLIGHT_MS, isLeftover } from '../../../src/audit/audit-relay.js';
import type { PendingDocument } from '../../../src/audit/pending-document.js';
import { systemActor } from '../../../src/platform/index.js';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);

/** A document holding one draft per age (milliseconds before NOW), and `jobs` job intents. */
const found = (ages: number[], jobs = 0): PendingDocument => ({
  collection: 'incidents',
  id: 'GOVCERT-2026-00001',
  drafts: ages.map((age) =>
    auditDraft(
      systemActor('unit'),
      'unit.step',
      { type: 'incident', id: 'GOVCERT-2026-00001' },
      {
        at: new Date(NOW - age),
      },
    ),
  ),
  jobs: Array.from({ length: jobs }, (_, i) => ({ queue: 'triage', jobId: `j${i}`, payload: {} })),
});

describe('audit relay sweeps: leftovers and writes in flight', () => {
  it('when every draft a sweep found was written moments ago, then the document is in flight', () => {
    expect(isLeftover(found([0, 200, IN_FLIGHT_MS]), NOW)).to.equal(false);
  });

  it('when one draft is older than the kicks take, then the document is a leftover', () => {
    expect(isLeftover(found([100, IN_FLIGHT_MS + 1]), NOW)).to.equal(true);
  });

  it('when a document holds only jobs, then it counts as in flight (the sweep relays it all the same)', () => {
    expect(isLeftover(found([], 2), NOW)).to.equal(false);
  });
});
