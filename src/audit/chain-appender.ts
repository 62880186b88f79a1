import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditDraft } from './audit-draft.js';
import type { AuditEvent, ChainHead } from './audit-event.types.js';
import type { AuditEventRepository } from './audit-event.repository.js';
import { EMPTY_HEAD, sealDrafts } from './audit-hash.js';
import { OPEN_GATE, type AppendGate } from './append-lock.js';
import { ChainedIds } from './chained-ids.js';

/** Ceiling of the random pause after losing a position to another writer. */
const MAX_BACKOFF_MS = 50;
/** Drafts sent one per insert after one turned out to be chained already (see `write`). */
const SINGLES_AFTER_CHAINED = 4;

interface Waiting {
  drafts: AuditDraft[];
  resolve: (events: AuditEvent[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Appends drafts to the chain; safe with any number of appenders in any number of processes, on any
 * store that inserts one document atomically and enforces unique indexes.
 *
 * A run of events goes in as one ordered insert at `head+1...`, on a store whose ordered insert was
 * seen to stop at its first refused document (probed at start; stock FerretDB v1 goes on with its next
 * chunk of 100, so there it is one event per insert). A run that lands past a refused position would
 * leave events linking to one never stored; the repository removes such an overrun at once and drops to
 * one event per insert. So:
 * - position k is only ever written by a writer that has seen k-1 stored (its own insert, the prefix
 *   of its own run, or a read), sealed onto that event's hash: never a gap, never a fork;
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
      // After a draft turned out to be chained already, its next neighbours may be too (a resend after
      // a crash): they go one per insert, so no run is sent again only to be refused at its first draft.
      let singlesUntil = 0;
      for (let index = 0; index < pending.length;) {
        const size = index < singlesUntil ? 1 : this.events.maxRun;
        const run = pending.slice(index, index + size);
        const placed = await this.placeRun(run, pending.length - index);
        for (const event of placed.written) written.set(event.eventId, event);
        index += placed.consumed;
        if (placed.chainedAlready) {
          alreadyChained.push(placed.chainedAlready);
          singlesUntil = index + SINGLES_AFTER_CHAINED;
        }
      }
    } finally {
      // What went in before a failure is remembered too: the next pass must not send it again.
      await this.chained.remember([...written.keys(), ...alreadyChained]);
    }
    if (written.size > 0 && this.head) await this.onAppended(this.head);
    return written;
  }

  /**
   * Puts a run of drafts at the next free positions in one insert (only a prefix can land: see
   * `AuditEventRepository.maxRun`). Says what it wrote, how many drafts of the run it dealt with, and
   * the draft it found in the chain already, if it stopped on one. `remaining` (this run and the drafts
   * after it) only sizes the batch-end hint other writers read.
   */
  private async placeRun(
    run: readonly AuditDraft[],
    remaining: number,
  ): Promise<{ written: AuditEvent[]; consumed: number; chainedAlready?: string }> {
    for (let conflicts = 0; ;) {
      const head = this.head ?? (await this.currentHead());
      const events = sealDrafts(head, run);
      const { landed, refused } = await this.events.insertRun(events, head.seq + remaining);
      const stored = events.slice(0, landed);
      if (landed > 0) this.head = { seq: stored[landed - 1].seq, hash: stored[landed - 1].hash };
      if (!refused) return { written: stored, consumed: landed };
      const refusedDraft = run[landed];
      const taken = await this.events.occupant(events[landed].seq);
      if (!taken) {
        // Refused by the eventId index at a free position: that draft is chained already.
        return { written: stored, consumed: landed + 1, chainedAlready: refusedDraft.eventId };
      }
      if (taken.event.eventId === refusedDraft.eventId) {
        // Ours from an earlier attempt whose answer was lost: the chain holds it at this position.
        this.head = { seq: taken.event.seq, hash: taken.event.hash };
        return { written: stored, consumed: landed + 1, chainedAlready: refusedDraft.eventId };
      }
      // Another writer won this position: what landed before it stands; the rest is sealed again.
      if (landed > 0) return { written: stored, consumed: landed };
      // Back off with full jitter (SQLite-backed FerretDB has one writer, so losers retrying at once
      // only queue behind each other), unless a published head already tells where the chain is.
      conflicts += 1;
      if (await this.adoptHint(taken.event.seq)) continue;
      await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** conflicts));
      this.head = await this.events.headAfter(taken);
    }
  }
}
