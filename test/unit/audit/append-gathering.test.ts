import { expect } from 'chai';
import { AppendGathering } from '../../../src/audit/append-gathering.js';
import type { AuditDraft } from '../../../src/audit/audit-draft.js';
import type { PendingDocument } from '../../../src/audit/pending-document.js';

let nextEvent = 0;
/** A document with `count` new drafts (each a distinct event). */
const written = (id: string, count = 1): PendingDocument => ({
  collection: 'incidents',
  id,
  drafts: Array.from({ length: count }, () => ({ eventId: `e${nextEvent++}` }) as unknown as AuditDraft),
  jobs: [],
});

describe('AppendGathering', () => {
  it('when writes come one after another, then they are appended together once the first has waited', () => {
    const gathering = new AppendGathering(250);
    gathering.add([written('a')], 0);
    gathering.add([written('b')], 100);
    expect(gathering.take(false, 200)).to.deep.equal([]);
    expect(gathering.dueIn(200)).to.equal(50);
    expect(gathering.take(false, 250).map((document) => document.id)).to.deep.equal(['a', 'b']);
    expect(gathering.dueIn(250)).to.equal(null);
  });

  it('when one document is written twice before the append, then its drafts are appended once, merged', () => {
    const gathering = new AppendGathering(250);
    const first = written('a');
    gathering.add([first], 0);
    gathering.add([{ ...first, drafts: [...first.drafts, ...written('a').drafts] }], 50);
    const [taken] = gathering.take(true, 60);
    expect(taken.drafts).to.have.length(2);
    expect(gathering.holds(first)).to.equal(false);
  });

  it('when a sweep reads a document whose drafts all wait here, then it is held', () => {
    const gathering = new AppendGathering(250);
    const document = written('a', 2);
    gathering.add([document], 0);
    expect(gathering.holds({ ...document, drafts: [document.drafts[0]] })).to.equal(true);
    expect(gathering.holds({ ...document, drafts: [...document.drafts, ...written('a').drafts] })).to.equal(
      false,
    );
  });

  it('when everything is to go (a relay stops), then the wait does not hold it back', () => {
    const gathering = new AppendGathering(250);
    gathering.add([written('a')], 0);
    expect(gathering.take(true, 1)).to.have.length(1);
    expect(gathering.take(true, 2)).to.deep.equal([]);
  });
});
