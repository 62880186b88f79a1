import type { Logger } from '../platform/index.js';
import type { AuditDraft } from './audit-draft.js';
import type { ChainAppender } from './chain-appender.js';
import { documentKey, mergeOutbox, OutboxPulls } from './outbox-pulls.js';
import { RecentIds } from './recent-ids.js';
import type { OutboxRepository, PendingDocument } from './outbox.repository.js';

export interface RelayOptions {
  /** Pause between sweeps for leftovers of crashed or other processes. */
  sweepMs?: number;
  /** Documents read per collection per pass. */
  maxDocuments?: number;
  /**
   * How long a document must go without writes before the pull of its chained drafts; default 1 s.
   * A document written on and on is pulled after ten times this at most.
   */
  pullHoldMs?: number;
}

/**
 * Moves drafts from the `pendingAudit` outbox of registered collections into the chain, then pulls
 * them. Appending before pulling means a crash in between leaves drafts that are already chained;
 * the appender recognises their eventIds and skips them, so nothing is lost and nothing doubled.
 */
export class AuditRelay {
  readonly name = 'audit-relay';
  private readonly collections: string[] = [];
  private readonly hints: Array<{ collection: string; id: unknown; drafts?: AuditDraft[] }> = [];
  /** Event ids this relay chained lately: a later write's outbox may still hold them until its pull lands. */
  private readonly recentlyChained = new RecentIds(20_000);
  private fullSweepWanted = true;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | undefined;
  private passing: Promise<number> | null = null;
  private readonly pulls: OutboxPulls;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly appender: ChainAppender,
    private readonly logger: Logger,
    private readonly options: RelayOptions = {},
  ) {
    this.pulls = new OutboxPulls(outbox, options.pullHoldMs ?? 1000);
  }

  /** Read through a getter: `stop()` may flip it while a pass is awaited. */
  private get active(): boolean {
    return this.running;
  }

  /** Declares a collection whose documents carry the `pendingAudit` outbox. */
  register(collection: string): void {
    if (!this.collections.includes(collection)) this.collections.push(collection);
  }

  /**
   * Asks for a prompt relay after a write. With the written document's collection and `_id`, only that
   * document is looked at: its outbox as the write stored it when given (`pendingAudit`), else read
   * by `_id`. Without, every registered collection is swept.
   */
  kick(collection?: string, id?: unknown, pendingAudit?: unknown[]): void {
    if (collection !== undefined && id !== undefined) {
      this.hints.push({ collection, id, ...(pendingAudit ? { drafts: pendingAudit as AuditDraft[] } : {}) });
    } else this.fullSweepWanted = true;
    this.wake?.();
  }

  /** One relay pass now, every pull included (tests, shutdown, CLI); resolves with the drafts chained. */
  relayNow(): Promise<number> {
    this.fullSweepWanted = true;
    return this.pass(true);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
    // Last chance for drafts written by this process; a crash leaves them to the next sweep anywhere.
    await this.relayNow().catch((err: unknown) => {
      this.logger.warn({ err }, 'audit relay: final pass failed');
    });
  }

  private async run(): Promise<void> {
    let lastSweep = 0;
    let sweepCost = 0;
    while (this.running) {
      // Sweeps scan whole collections on FerretDB; keep them under ~10% of the time.
      const sweepEvery = Math.max(this.options.sweepMs ?? 1000, sweepCost * 10);
      if (Date.now() - lastSweep >= sweepEvery) this.fullSweepWanted = true;
      const full = this.fullSweepWanted;
      const started = Date.now();
      try {
        await this.pass();
      } catch (err) {
        this.logger.error({ err }, 'audit relay pass failed; retrying');
      }
      if (full) {
        lastSweep = started;
        sweepCost = Date.now() - started;
      }
      if (this.active && this.hints.length === 0 && !this.fullSweepWanted) {
        const untilSweep = sweepEvery - (Date.now() - lastSweep);
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(
            resolve,
            Math.max(10, Math.min(untilSweep, this.pulls.dueIn() ?? untilSweep)),
          );
        });
        clearTimeout(this.timer);
        this.wake = null;
      }
    }
  }

  private pass(pullAll = false): Promise<number> {
    // One pass at a time per process; a kick during a pass is served by the next one.
    const next = (this.passing ?? Promise.resolve(0)).catch(() => 0).then(() => this.passOnce(pullAll));
    this.passing = next;
    return next;
  }

  private async passOnce(pullAll: boolean): Promise<number> {
    const full = this.fullSweepWanted;
    this.fullSweepWanted = false;
    const hints = this.hints.splice(0, this.hints.length);
    const documents: PendingDocument[] = [];
    if (full) {
      for (const collection of this.collections) {
        documents.push(...(await this.outbox.pending(collection, this.options.maxDocuments ?? 500)));
      }
    } else {
      documents.push(...(await this.hinted(hints)));
    }
    if (documents.length === 0) {
      await this.pulls.flush(pullAll);
      return 0;
    }
    // Drafts chained by an earlier pass whose pull had not landed when this write was stored: they
    // would only clash on the eventId index; they are pulled all the same.
    const fresh = documents.map((document) => ({
      ...document,
      drafts: document.drafts.filter((draft) => !this.recentlyChained.has(draft.eventId)),
    }));
    const appended = await this.appender.append(orderDrafts(fresh));
    for (const document of fresh)
      for (const draft of document.drafts) this.recentlyChained.add(draft.eventId);
    for (const document of documents) this.pulls.add(document);
    await this.pulls.flush(pullAll);
    return appended.length;
  }

  /** The outboxes of hinted documents, one per document with the drafts of all its hints. */
  private async hinted(
    hints: ReadonlyArray<{ collection: string; id: unknown; drafts?: AuditDraft[] }>,
  ): Promise<PendingDocument[]> {
    const byDocument = new Map<string, PendingDocument>();
    for (const hint of hints) {
      const found = hint.drafts
        ? this.outbox.asStored(hint.collection, hint.id, hint.drafts)
        : await this.outbox.pendingOf(hint.collection, hint.id);
      if (!found || found.drafts.length === 0) continue;
      const known = byDocument.get(documentKey(found));
      byDocument.set(documentKey(found), known ? mergeOutbox(known, found) : found);
    }
    return [...byDocument.values()];
  }
}

/** Drafts of several documents in chain order: by `at`, then document order, then outbox order. */
export function orderDrafts(documents: readonly PendingDocument[]): AuditDraft[] {
  const entries = documents.flatMap((document, docIndex) =>
    document.drafts.map((draft, index) => ({ draft, time: new Date(draft.at).getTime(), docIndex, index })),
  );
  entries.sort((a, b) => a.time - b.time || a.docIndex - b.docIndex || a.index - b.index);
  return entries.map((entry) => entry.draft);
}
