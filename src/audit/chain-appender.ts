import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditDraft } from './audit-draft.js';
import type { AuditEvent, ChainHead } from './audit-event.types.js';
import type { AuditEventRepository } from './audit-event.repository.js';
import { EMPTY_HEAD, sealDrafts } from './audit-hash.js';
import { OPEN_GATE, type AppendGate } from './append-lock.js';
import { ChainedIds } from './chained-ids.js';

/** Ceiling of the random pause after losing a position to another writer. */
const MAX_BACKOFF_MS = 50;

interface Waiting {
  drafts: AuditDraft[];
  resolve: (events: AuditEvent[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Appends drafts to the chain; safe with any number of appenders in any number of processes, on any
 * store that inserts one document atomically and enforces unique indexes.
 *
 * Each event is its own insert at `head+1`. Nothing else is assumed of the store: an ordered
 * multi-document insert is not prefix-atomic on FerretDB (it goes on with its next chunk after a
 * duplicate key), and a batch that partly lands past a refused position leaves events that link to
 * one that was never stored, which no append-only writer can repair. One document per insert means:
 * - position k is only ever written by a writer that has seen k-1 stored (its own insert or a read),
 *   sealed onto that event's hash: never a gap, never a fork;
 * - the unique `_id` (the seq) lets one writer take a position; the loser reads the new head;
 * - a refused insert whose position is still free was refused by the unique eventId index: that draft
 *   is in the chain already (another relay chained it, or a crash came before its outbox pull).
 * Drafts known to be chained are recognised by id before anything is sent (`ChainedIds`). Concurrent
 * callers in this process are grouped (group commit), so one gate turn serves them all.
 */
export class ChainAppender {
  private head: ChainHead | null = null;
  private waiting: Waiting[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly events: AuditEventRepository,
    private readonly onAppended: (head: ChainHead) => Promise<void> = () => Promise.resolve(),
    private readonly gate: AppendGate = OPEN_GATE,
    private readonly chained: ChainedIds = new ChainedIds(),
  ) {}

  /** Resolves with the events written for `drafts` (drafts already in the chain are left out). */
  append(drafts: readonly AuditDraft[]): Promise<AuditEvent[]> {
    if (drafts.length === 0) return Promise.resolve([]);
    return new Promise<AuditEvent[]>((resolve, reject) => {
      this.waiting.push({ drafts: [...drafts], resolve, reject });
      this.startFlush();
    });
  }

  /** The ids among `eventIds` known to be in the chain already (a cheap check, no chain read). */
  knownChained(eventIds: readonly string[]): Promise<Set<string>> {
    return this.chained.known(eventIds);
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

  /** Starts from the head the previous lease holder published, when it is ahead of ours. */
  private async writeUnderGate(drafts: AuditDraft[]): Promise<Map<string, AuditEvent>> {
    await this.adoptHint();
    const written = await this.write(drafts);
    if (this.head) await this.gate.publishHead(this.head);
    return written;
  }

  /**
   * A published head is only a hint: it is checked against the stored event at its seq (one point
   * read by `_id`) before anything is sealed onto it, so a hint from another database, or one Redis
   * replayed from an older AOF, can cost a clash but never a fork.
   */
  private async adoptHint(minimum = 0): Promise<boolean> {
    const hint = await this.gate.lastHead();
    if (!hint || hint.seq <= Math.max(minimum, this.head?.seq ?? 0)) return false;
    const there = await this.events.bySeq(hint.seq);
    if (there?.hash !== hint.hash) return false;
    this.head = hint;
    return true;
  }

  private async write(drafts: AuditDraft[]): Promise<Map<string, AuditEvent>> {
    const written = new Map<string, AuditEvent>();
    const alreadyChained: string[] = [];
    const seen = new Set<string>();
    const unique = drafts.filter((draft) => !seen.has(draft.eventId) && seen.add(draft.eventId));
    const known = await this.chained.known(unique.map((draft) => draft.eventId));
    const pending = unique.filter((draft) => !known.has(draft.eventId));
    try {
      for (let index = 0; index < pending.length; index += 1) {
        const placed = await this.place(pending[index], pending.length - index);
        if (placed) written.set(placed.eventId, placed);
        else alreadyChained.push(pending[index].eventId);
      }
    } finally {
      // What went in before a failure is remembered too: the next pass must not send it again.
      await this.chained.remember([...written.keys(), ...alreadyChained]);
    }
    if (written.size > 0 && this.head) await this.onAppended(this.head);
    return written;
  }

  /**
   * Puts one draft at the next free position; null when it turns out to be in the chain already.
   * `remaining` (this draft and those after it) only sizes the batch-end hint other writers read.
   */
  private async place(draft: AuditDraft, remaining: number): Promise<AuditEvent | null> {
    for (let conflicts = 0; ;) {
      const head = this.head ?? (await this.currentHead());
      const [event] = sealDrafts(head, [draft]);
      if (await this.events.insertAt(event, head.seq + remaining)) {
        this.head = { seq: event.seq, hash: event.hash };
        return event;
      }
      const taken = await this.events.occupant(event.seq);
      if (!taken) return null; // refused by the eventId index: chained already
      if (taken.event.eventId === draft.eventId) {
        // Ours from an earlier attempt whose answer was lost: the chain holds it at this position.
        this.head = { seq: taken.event.seq, hash: taken.event.hash };
        return null;
      }
      // Another writer won this position. Back off with full jitter (SQLite-backed FerretDB has one
      // writer, so losers retrying at once only queue behind each other), unless a published head
      // already tells where the chain is.
      conflicts += 1;
      if (await this.adoptHint(event.seq)) continue;
      await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** conflicts));
      this.head = await this.events.headAfter(taken);
    }
  }
}
