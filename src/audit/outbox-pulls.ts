import type { AuditDraft } from './audit-draft.js';
import type { OutboxRepository, PendingDocument } from './outbox.repository.js';

/** One key per document of any registered collection. */
export const documentKey = (document: { collection: string; id: unknown }): string =>
  `${document.collection}|${String(document.id)}`;

/** `known` with the drafts of `more` it does not hold yet (by eventId), in outbox order. */
export function mergeOutbox(known: PendingDocument, more: PendingDocument): PendingDocument {
  const seen = new Set(known.drafts.map((draft) => draft.eventId));
  const drafts: AuditDraft[] = [...known.drafts, ...more.drafts.filter((draft) => !seen.has(draft.eventId))];
  return { ...known, drafts };
}

/**
 * The `$pullAll`s of chained drafts, held for a moment so that the several writes one document gets in
 * quick succession (a report: insert, triage, notification outcome, clocks) share one pull. Each pull
 * rewrites the whole document on FerretDB, so this saves most of them. Drafts waiting here are already
 * in the chain; if the process dies first, a sweep finds them again and the chain's unique eventId
 * index drops the repeat.
 */
export class OutboxPulls {
  private readonly waiting = new Map<string, { document: PendingDocument; since: number }>();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly holdMs: number,
  ) {}

  /** Schedules the pull of these drafts (merged with any already waiting for the document). */
  add(document: PendingDocument): void {
    const key = documentKey(document);
    const known = this.waiting.get(key);
    if (known) known.document = mergeOutbox(known.document, document);
    else this.waiting.set(key, { document, since: Date.now() });
  }

  /** Milliseconds until the oldest waiting pull is due, or null when none waits. */
  dueIn(now = Date.now()): number | null {
    let oldest: number | null = null;
    for (const { since } of this.waiting.values()) oldest = oldest === null ? since : Math.min(oldest, since);
    return oldest === null ? null : Math.max(0, oldest + this.holdMs - now);
  }

  /** Pulls what is due (everything with `all`); a failed pull waits for the next flush. */
  async flush(all: boolean): Promise<void> {
    const now = Date.now();
    const due = [...this.waiting.entries()].filter(([, w]) => all || now - w.since >= this.holdMs);
    for (const [key] of due) this.waiting.delete(key);
    const results = await Promise.allSettled(due.map(([, w]) => this.outbox.clear(w.document)));
    due.forEach(([, waiting], index) => {
      if (results[index]?.status === 'rejected') this.add(waiting.document);
    });
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
