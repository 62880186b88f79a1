import type { KeyObject } from 'node:crypto';
import type {
  AuditCheckpoint,
  AuditEvent,
  ChainHead,
  VerifyFailure,
  VerifyReport,
} from './audit-event.types.js';
import { EMPTY_HEAD } from './audit-hash.js';
import { checkEvent, type CheckedEvent } from './checked-event.js';
import { runEvent, runHash, type CheckedRun } from './checked-lines.js';
import { checkpointSignatureValid, publicKeyId } from './checkpoint-signer.js';

export interface VerifierOptions {
  /** The trusted public key; checkpoints signed by another key fail. */
  publicKey: KeyObject;
  /** Report on this subject's events (the whole chain is still verified). */
  subjectId?: string;
  /** How many events may arrive ahead of their turn before a gap is declared. */
  maxOutOfOrder?: number;
}

/**
 * Verifies a chain fed event by event, in any order close to seq order, against signed checkpoints.
 * The same code runs online (streaming from the database) and offline (from an export file). It
 * recomputes every hash from seq 1, so an edit, deletion (gap), reordering or insertion shows at the
 * first position it touches, and a truncation below the last signed checkpoint shows at the end.
 */
export class ChainVerifier {
  private head: ChainHead = EMPTY_HEAD;
  private readonly ahead = new Map<number, CheckedEvent>();
  private readonly eventIds = new Set<string>();
  private readonly checkpointsAt = new Map<number, AuditCheckpoint>();
  private checkpointsChecked = 0;
  private lastCheckpointSeq = 0;
  private subjectEvents = 0;
  private eventsChecked = 0;
  private problem: VerifyReport['firstBad'];
  private readonly keyId: string;

  constructor(private readonly options: VerifierOptions) {
    this.keyId = publicKeyId(options.publicKey);
  }

  /** True once a problem is found: callers may stop feeding. */
  get failed(): boolean {
    return this.stopped();
  }

  /** A method, not the getter: the checks below must not be narrowed away by control-flow analysis. */
  private stopped(): boolean {
    return this.problem !== undefined && this.problem.seq <= this.head.seq + 1;
  }

  /** Checks the checkpoints' signatures now; their hashes are compared as the chain reaches them. */
  addCheckpoints(checkpoints: readonly AuditCheckpoint[]): void {
    for (const checkpoint of [...checkpoints].sort((a, b) => a.seq - b.seq)) {
      if (checkpoint.keyId !== this.keyId)
        this.fail(checkpoint.seq, 'checkpoint_unknown_key', checkpoint.keyId);
      else if (!checkpointSignatureValid(checkpoint, this.options.publicKey)) {
        this.fail(checkpoint.seq, 'checkpoint_signature_invalid');
      }
      this.checkpointsChecked += 1;
      this.checkpointsAt.set(checkpoint.seq, checkpoint);
      this.lastCheckpointSeq = Math.max(this.lastCheckpointSeq, checkpoint.seq);
    }
  }

  push(event: AuditEvent): void {
    if (this.stopped()) return;
    this.pushChecked(checkEvent(event));
  }

  /** `push` of an event whose hash was already recomputed (by `checkEvent`, possibly in a worker). */
  pushChecked(event: CheckedEvent): void {
    if (this.stopped()) return;
    const expected = this.head.seq + 1;
    if (!Number.isSafeInteger(event.seq) || event.seq < expected || this.ahead.has(event.seq)) {
      this.fail(
        Number.isFinite(event.seq) ? event.seq : expected,
        'unexpected_seq',
        `found seq ${String(event.seq)}`,
      );
      return;
    }
    if (event.seq > expected) {
      this.ahead.set(event.seq, event);
      if (this.ahead.size > (this.options.maxOutOfOrder ?? 100_000)) this.fail(expected, 'gap');
      return;
    }
    this.link(event);
    for (
      let next = this.ahead.get(this.head.seq + 1);
      next && !this.stopped();
      next = this.ahead.get(this.head.seq + 1)
    ) {
      this.ahead.delete(next.seq);
      this.link(next);
    }
  }

  /**
   * Events checked in bulk on a worker thread. A run that continues the chain is linked in one pass:
   * its hashes and inner links are already checked, leaving eventId uniqueness and checkpoints; any
   * other run goes event by event through `pushChecked`, with the same outcome as line by line.
   */
  pushRun(run: CheckedRun): void {
    if (this.stopped()) return;
    if (run.firstSeq !== this.head.seq + 1 || this.ahead.size > 0 || run.firstPrevHash !== this.head.hash) {
      for (let index = 0; index < run.count; index += 1) {
        this.pushChecked(runEvent(run, index, this.options.subjectId));
      }
      return;
    }
    // A problem already known (a bad checkpoint signature) stops the chain just before its seq.
    const limit = this.problem?.seq ?? Infinity;
    let start = 0;
    for (let index = 0; index < run.count; index += 1) {
      const seq = run.firstSeq + index;
      if (seq >= limit) {
        this.runStop(run, index);
        return;
      }
      this.eventsChecked += 1;
      const eventId = run.ids.slice(start, run.idEnds[index]);
      start = run.idEnds[index];
      if (this.eventIds.has(eventId)) {
        this.runStop(run, index, 'duplicate_event_id');
        return;
      }
      this.eventIds.add(eventId);
      const checkpoint = this.checkpointsAt.get(seq);
      if (checkpoint && checkpoint.headHash !== runHash(run, index)) {
        this.runStop(run, index, 'checkpoint_mismatch');
        return;
      }
      if (run.subject?.[index]) this.subjectEvents += 1;
    }
    this.head = { seq: run.firstSeq + run.count - 1, hash: runHash(run, run.count - 1) };
  }

  /** Leaves the head on the event before the run's `index`-th, which fails for `reason` if given. */
  private runStop(run: CheckedRun, index: number, reason?: VerifyFailure): void {
    if (index > 0) this.head = { seq: run.firstSeq + index - 1, hash: runHash(run, index - 1) };
    if (reason) this.fail(run.firstSeq + index, reason);
  }

  finish(): VerifyReport {
    if (!this.problem && this.ahead.size > 0) this.fail(this.head.seq + 1, 'gap');
    if (!this.problem && this.lastCheckpointSeq > this.head.seq) {
      this.fail(this.head.seq + 1, 'truncated', `a checkpoint signs seq ${this.lastCheckpointSeq}`);
    }
    const report: VerifyReport = {
      ok: !this.problem,
      eventsChecked: this.eventsChecked,
      checkpointsChecked: this.checkpointsChecked,
      head: this.head,
    };
    if (this.problem) report.firstBad = this.problem;
    if (this.options.subjectId) {
      report.subject = { id: this.options.subjectId, events: this.subjectEvents, ok: !this.problem };
    }
    return report;
  }

  private link(event: CheckedEvent): void {
    this.eventsChecked += 1;
    if (typeof (event.hash as unknown) !== 'string' || typeof (event.eventId as unknown) !== 'string') {
      this.fail(event.seq, 'malformed');
      return;
    }
    if (event.prevHash !== this.head.hash) {
      this.fail(event.seq, 'prev_hash_mismatch');
      return;
    }
    if (typeof event.verdict === 'string') throw new Error(event.verdict);
    if (!event.verdict) {
      this.fail(event.seq, 'hash_mismatch');
      return;
    }
    if (this.eventIds.has(event.eventId)) {
      this.fail(event.seq, 'duplicate_event_id');
      return;
    }
    this.eventIds.add(event.eventId);
    const checkpoint = this.checkpointsAt.get(event.seq);
    if (checkpoint && checkpoint.headHash !== event.hash) {
      this.fail(event.seq, 'checkpoint_mismatch');
      return;
    }
    if (this.options.subjectId && event.subjectId === this.options.subjectId) this.subjectEvents += 1;
    this.head = { seq: event.seq, hash: event.hash };
  }

  private fail(seq: number, reason: VerifyFailure, detail?: string): void {
    if (this.problem && this.problem.seq <= seq) return;
    this.problem = detail ? { seq, reason, detail } : { seq, reason };
  }
}
