import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditDraft } from './audit-draft.js';
import type { AuditEvent, ChainHead } from './audit-event.types.js';
import type { AuditEventRepository } from './audit-event.repository.js';
import { EMPTY_HEAD, sealDrafts } from './audit-hash.js';

/** Largest insertMany of one round trip. */
const MAX_BATCH = 1000;

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
        const written = await this.write(group.flatMap((entry) => entry.drafts));
        for (const entry of group) {
          entry.resolve(entry.drafts.flatMap((draft) => written.get(draft.eventId) ?? []));
        }
      } catch (err) {
        this.head = null; // unknown state after a failure: re-read before the next write
        for (const entry of group) entry.reject(err);
      }
    }
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
      const occupant = await this.events.bySeq(clash.seq);
      if (!occupant || occupant.eventId === clash.eventId) {
        // Free position: the eventId clashed, so this draft is in the chain already (or was just put there).
        pending = pending.slice(1);
      }
      if (occupant) {
        this.head = await this.events.findHead({ seq: occupant.seq, hash: occupant.hash });
        conflicts += 1;
        // Another writer won this position; jitter keeps several losers from colliding in lockstep.
        if (conflicts > 2) await sleep(Math.floor(Math.random() * Math.min(50, conflicts * 2)));
      }
    }
    if (written.size > 0 && this.head) await this.onAppended(this.head);
    return written;
  }
}
