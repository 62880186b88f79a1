import type { OutboxRepository } from './outbox.repository.js';
import { documentKey, holdsAllOf, mergeOutbox, type PendingDocument } from './pending-document.js';

/**
 * The `$pullAll`s of chained drafts, held until the document has been quiet for `quietMs` (or, for a
 * busy one, at most `maxHoldMs`), so that the several writes one document gets in quick succession
 * (a report: insert, triage, clocks, notification outcome) share one pull. Each pull rewrites the whole
 * document on FerretDB, so this saves most of them; under load the writes of one report spread out,
 * which a fixed hold from the first write did not cover. Drafts waiting here are already in the chain;
 * if the process dies first, a sweep finds them again and the chain's unique eventId index drops the
 * repeat. Flushes are at least `spacingMs` apart: with reports coming one after another, each one's
 * documents fall due a moment after the last one's, and a flush for each cost a command per report
 * and collection; spaced, one command takes a second's worth. A pull is never early, only later.
 */
export class OutboxPulls {
  private readonly waiting = new Map<string, { document: PendingDocument; since: number; last: number }>();
  private lastFlushAt = -Infinity;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly quietMs: number,
    private readonly maxHoldMs = quietMs * 10,
    private readonly spacingMs = quietMs,
  ) {}

  /** Documents whose pull is waiting. */
  get size(): number {
    return this.waiting.size;
  }

  /** True when every draft and job of `document` already waits here for its pull. */
  holds(document: PendingDocument): boolean {
    const known = this.waiting.get(documentKey(document));
    return known !== undefined && holdsAllOf(known.document, document);
  }

  /** Schedules the pull of these drafts (merged with any already waiting for the document). */
  add(document: PendingDocument, now = Date.now()): void {
    const key = documentKey(document);
    const known = this.waiting.get(key);
    if (known) {
      const merged = mergeOutbox(known.document, document);
      // Only new entries mean a new write: a sweep that finds the held ones again must not defer the pull.
      const grew =
        merged.drafts.length > known.document.drafts.length ||
        merged.jobs.length > known.document.jobs.length;
      if (grew) known.last = now;
      known.document = merged;
    } else this.waiting.set(key, { document, since: now, last: now });
  }

  private dueAt(waiting: { since: number; last: number }): number {
    return Math.min(waiting.last + this.quietMs, waiting.since + this.maxHoldMs);
  }

  /** Milliseconds until the next waiting pull is due, or null when none waits. */
  dueIn(now = Date.now()): number | null {
    let next: number | null = null;
    for (const waiting of this.waiting.values()) {
      const at = this.dueAt(waiting);
      next = next === null ? at : Math.min(next, at);
    }
    if (next === null) return null;
    return Math.max(0, Math.max(next, this.lastFlushAt + this.spacingMs) - now);
  }

  /**
   * Pulls what is due (everything with `all`) in one batch, unless the last flush was less than
   * `spacingMs` ago (`all` flushes regardless); a failed batch waits for the next flush.
   */
  async flush(all: boolean, now = Date.now()): Promise<void> {
    if (!all && now < this.lastFlushAt + this.spacingMs) return;
    const due = [...this.waiting.entries()].filter(([, w]) => all || this.dueAt(w) <= now);
    if (due.length === 0) return;
    this.lastFlushAt = now;
    for (const [key] of due) this.waiting.delete(key);
    try {
      await this.outbox.clear(due.map(([, waiting]) => waiting.document));
    } catch (err) {
      // Pulling a draft twice is harmless: $pullAll of an absent value changes nothing.
      for (const [, waiting] of due) this.add(waiting.document);
      throw err;
    }
  }
}
