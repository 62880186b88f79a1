import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditDraft } from './audit-draft.js';
import type { AuditEvent, ChainHead } from './audit-event.types.js';
import type { AuditEventRepository } from './audit-event.repository.js';
import { EMPTY_HEAD, sealDrafts } from './audit-hash.js';
import { OPEN_GATE, type AppendGate } from './append-lock.js';

/** Largest insertMany of one round trip. */
const MAX_BATCH = 1000;

/** Ceiling of the random pause after losing a position to another writer. */
const MAX_BACKOFF_MS = 50;

interface Waiting {
  drafts: AuditDraft[];
  resolve: (events: AuditEvent[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Appends drafts to the chain; safe with any number of appenders in any number of processes.
 *
 * Events go in as `head+1..head+k` with an ordered insert, so what lands is always a prefix and the
 * unique `_id` (the seq) makes two writers of one position impossible: the loser re-reads the head and
 * reseals. A draft whose `eventId` is already in the chain (a relay that crashed before its `$pull`)
 * clashes on the unique eventId index and is dropped, never duplicated. Concurrent callers in this
 * process are grouped into one batch (group commit), which is where the throughput comes from.
 */
export class ChainAppender {
  private head: ChainHead | null = null;
  private waiting: Waiting[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly events: AuditEventRepository,
    private readonly onAppended: (head: ChainHead) => Promise<void> = () => Promise.resolve(),
    private readonly gate: AppendGate = OPEN_GATE,
  ) {}

  /** Resolves with the events written for `drafts` (drafts already in the chain are left out). */
  append(drafts: readonly AuditDraft[]): Promise<AuditEvent[]> {
    if (drafts.length === 0) return Promise.resolve([]);
    return new Promise<AuditEvent[]>((resolve, reject) => {
      this.waiting.push({ drafts: [...drafts], resolve, reject });
      this.startFlush();
    });
  }

  private startFlush(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      // A caller woken by the last resolve may have queued more before this ran: serve it too.
      if (this.waiting.length > 0) this.startFlush();
    });
  }

  /** The head as this process last saw it, re-read from the database. */
  async currentHead(): Promise<ChainHead> {
    this.head = await this.events.findHead(this.head ?? EMPTY_HEAD);
    return this.head;
  }

  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.waiting.length);
      try {
        const written = await this.gate.run(() =>
          this.writeUnderGate(group.flatMap((entry) => entry.drafts)),
        );
        for (const entry of group) {
          entry.resolve(entry.drafts.flatMap((draft) => written.get(draft.eventId) ?? []));
        }
      } catch (err) {
        this.head = null; // unknown state after a failure: re-read before the next write
        for (const entry of group) entry.reject(err);
      }
    }
  }

  /**
   * Starts from the head the previous lease holder published, when it is ahead of ours. Reads are the
   * expensive part on FerretDB/SQLite (a point read scans the table), so a hint is checked against the
   * database once per process; after that it is trusted, because it is only ever published after an
   * insert into this database succeeded. A hint that is behind just costs a duplicate-key retry.
   */
  private async writeUnderGate(drafts: AuditDraft[]): Promise<Map<string, AuditEvent>> {
    await this.adoptHint();
    const written = await this.write(drafts);
    if (this.head) await this.gate.publishHead(this.head);
    return written;
  }

  private hintChecked = false;

  private async adoptHint(minimum = 0): Promise<boolean> {
    const hint = await this.gate.lastHead();
    if (!hint || hint.seq <= Math.max(minimum, this.head?.seq ?? 0)) return false;
    if (!this.hintChecked) {
      const there = await this.events.bySeq(hint.seq);
      if (there?.hash !== hint.hash) return false;
      this.hintChecked = true;
    }
    this.head = hint;
    return true;
  }

  private async write(drafts: AuditDraft[]): Promise<Map<string, AuditEvent>> {
    const written = new Map<string, AuditEvent>();
    const seen = new Set<string>();
    let pending = drafts.filter((draft) => !seen.has(draft.eventId) && seen.add(draft.eventId));
    let conflicts = 0;
    while (pending.length > 0) {
      const head = this.head ?? (await this.currentHead());
      const sealed = sealDrafts(head, pending.slice(0, MAX_BATCH));
      const { inserted, conflict } = await this.events.insertPrefix(sealed);
      for (const event of sealed.slice(0, inserted)) written.set(event.eventId, event);
      if (inserted > 0) this.head = { seq: sealed[inserted - 1].seq, hash: sealed[inserted - 1].hash };
      pending = pending.slice(inserted);
      if (!conflict) continue;
      const clash = sealed[inserted];
      // Position taken by a lease holder that published its head: no read needed.
      if (await this.adoptHint(clash.seq - 1)) continue;
      const taken = await this.events.occupant(clash.seq);
      if (!taken || taken.event.eventId === clash.eventId) {
        // Free position: the eventId clashed, so this draft is in the chain already (or was just put there).
        pending = pending.slice(1);
      }
      if (taken) {
        conflicts += 1;
        // Another writer won this position. Exponential back-off with full jitter: SQLite-backed
        // FerretDB has a single writer, so losers retrying at once only queue behind each other.
        await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** conflicts));
        this.head = await this.events.headAfter(taken);
      }
    }
    if (written.size > 0 && this.head) await this.onAppended(this.head);
    return written;
  }
}
