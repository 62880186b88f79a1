import { documentKey, holdsAllOf, mergeOutbox, type PendingDocument } from './pending-document.js';

/**
 * Documents whose jobs are enqueued and whose drafts wait to be chained, gathered for `gatherMs` from
 * the first one so that one append (a lease, a read of the chain's head and an insert) takes the drafts
 * of several writes. With reports coming one after another, each pass found one report's writes and
 * appended them alone: about one append per report. Jobs are not held (the work they start must not
 * wait for the chain), and drafts waiting here are still in their outbox: if the process dies, a sweep
 * finds them.
 */
export class AppendGathering {
  private readonly waiting = new Map<string, PendingDocument>();
  private since: number | null = null;

  constructor(private readonly gatherMs: number) {}

  /** Adds documents (merged with what waits for the same document); the wait starts with the first. */
  add(documents: readonly PendingDocument[], now = Date.now()): void {
    for (const document of documents) {
      const key = documentKey(document);
      const known = this.waiting.get(key);
      this.waiting.set(key, known ? mergeOutbox(known, document) : document);
    }
    if (this.waiting.size > 0) this.since ??= now;
  }

  /** True when every draft and job of `document` already waits here. */
  holds(document: PendingDocument): boolean {
    const known = this.waiting.get(documentKey(document));
    return known !== undefined && holdsAllOf(known, document);
  }

  /** Milliseconds until what waits is to be appended, or null when nothing waits. */
  dueIn(now = Date.now()): number | null {
    return this.since === null ? null : Math.max(0, this.since + this.gatherMs - now);
  }

  /** True when something waits and its time has come. */
  isDue(now = Date.now()): boolean {
    return this.dueIn(now) === 0;
  }

  /** What waits, once its time has come (or now, with `all`); nothing before. */
  take(all: boolean, now = Date.now()): PendingDocument[] {
    if (this.since === null || (!all && !this.isDue(now))) return [];
    const documents = [...this.waiting.values()];
    this.waiting.clear();
    this.since = null;
    return documents;
  }
}
