import { expect } from 'chai';
import { OutboxPulls } from '../../../src/audit/outbox-pulls.js';
import type { AuditDraft } from '../../../src/audit/audit-draft.js';
import type { OutboxRepository } from '../../../src/audit/outbox.repository.js';
import type { PendingDocument } from '../../../src/audit/pending-document.js';

// dueIn is scheduling arithmetic only: the repository is never reached by these cases.
const unreachable = {} as OutboxRepository;
let nextEvent = 0;
/** A document with `count` new drafts (each a distinct event). */
const pending = (id: string, count = 1): PendingDocument => ({
  collection: 'incidents',
  id,
  drafts: Array.from({ length: count }, () => ({ eventId: `e${nextEvent++}` }) as unknown as AuditDraft),
  jobs: [],
});

describe('OutboxPulls hold', () => {
  it('when a document keeps being written, then its pull waits until it has been quiet for the hold', () => {
    const pulls = new OutboxPulls(unreachable, 1000);
    pulls.add(pending('a'), 0);
    pulls.add(pending('a'), 800);
    expect(pulls.dueIn(900)).to.equal(900); // 800 + 1000 - 900: the second write restarted the wait
  });

  it('when a document is written on and on, then its pull is due at ten holds after the first write', () => {
    const pulls = new OutboxPulls(unreachable, 1000);
    for (let at = 0; at <= 9600; at += 800) pulls.add(pending('a'), at);
    expect(pulls.dueIn(9700)).to.equal(300); // since 0 + 10 000, not last 9600 + 1000
  });

  it('when a sweep finds drafts already held, then the pull is not deferred', () => {
    const pulls = new OutboxPulls(unreachable, 1000);
    const written = pending('a', 2);
    pulls.add(written, 0);
    pulls.add({ ...written, drafts: [...written.drafts] }, 900);
    expect(pulls.dueIn(900)).to.equal(100);
  });

  it('when several documents wait, then the earliest due one decides', () => {
    const pulls = new OutboxPulls(unreachable, 1000);
    pulls.add(pending('a'), 0);
    pulls.add(pending('b'), 500);
    pulls.add(pending('a'), 700);
    expect(pulls.dueIn(1000)).to.equal(500);
    expect(new OutboxPulls(unreachable, 1000).dueIn(0)).to.equal(null);
  });
});

describe('OutboxPulls spacing', () => {
  // The pulls' own schedule: what a flush takes, recorded instead of written (no store involved).
  const recording = (): { outbox: OutboxRepository; flushed: string[][] } => {
    const flushed: string[][] = [];
    const outbox = {
      clear: (documents: readonly PendingDocument[]) => {
        flushed.push(documents.map((document) => String(document.id)));
        return Promise.resolve();
      },
    } as unknown as OutboxRepository;
    return { outbox, flushed };
  };

  it('when reports come one after another, then one flush a second takes what fell due since the last', async () => {
    const { outbox, flushed } = recording();
    const pulls = new OutboxPulls(outbox, 1000);
    for (let i = 0; i < 5; i++) pulls.add(pending(`r${i}`), i * 100);
    await pulls.flush(false, 1000);
    expect(pulls.dueIn(1100)).to.equal(900); // r1 fell due at 1100, but the last flush was at 1000
    await pulls.flush(false, 1500);
    await pulls.flush(false, 2000);
    expect(flushed).to.deep.equal([['r0'], ['r1', 'r2', 'r3', 'r4']]);
    expect(pulls.size).to.equal(0);
  });

  it('when everything is to go (the relay stops), then the spacing does not hold it back', async () => {
    const { outbox, flushed } = recording();
    const pulls = new OutboxPulls(outbox, 1000);
    pulls.add(pending('a'), 0);
    await pulls.flush(false, 1000);
    pulls.add(pending('b'), 1000);
    await pulls.flush(true, 1001);
    expect(flushed).to.deep.equal([['a'], ['b']]);
  });
});

describe('OutboxPulls holds', () => {
  it('when a sweep reads a document whose drafts all wait for their pull, then it is held', () => {
    const pulls = new OutboxPulls(unreachable, 1000);
    const written = pending('a', 2);
    pulls.add(written, 0);
    expect(pulls.holds({ ...written, drafts: [written.drafts[1]] })).to.equal(true);
  });

  it('when the document has a draft written since, then it is not held', () => {
    const pulls = new OutboxPulls(unreachable, 1000);
    const written = pending('a', 1);
    pulls.add(written, 0);
    expect(pulls.holds({ ...written, drafts: [...written.drafts, ...pending('a').drafts] })).to.equal(false);
    expect(pulls.holds(pending('b'))).to.equal(false);
  });

  it('when the document has a job that is not held, then it is not held', () => {
    const pulls = new OutboxPulls(unreachable, 1000);
    const written = pending('a', 1);
    pulls.add(written, 0);
    expect(pulls.holds({ ...written, jobs: [{ jobId: 'x-sync-2' }] })).to.equal(false);
  });
});
