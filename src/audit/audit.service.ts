import type { AuditDraft } from './audit-draft.js';
import type { AuditCheckpoint, AuditEvent, ChainHead, VerifyReport } from './audit-event.types.js';
import type { AuditEventRepository, EventQuery } from './audit-event.repository.js';
import type { ChainAppender } from './chain-appender.js';
import type { CheckpointRepository } from './checkpoint.repository.js';
import { type CheckpointSigner, parsePublicKey } from './checkpoint-signer.js';
import type { Checkpointer } from './checkpointer.js';
import { ChainVerifier } from './chain-verifier.js';

/** Filters of `list`, plus the cursor (the last seq of the previous page) and page size. */
export interface AuditListFilter extends Omit<EventQuery, 'afterSeq'> {
  after?: number;
  limit?: number;
}

export interface AuditPage {
  events: AuditEvent[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: number | null;
}

/** A page of one subject's events, newest first. */
export interface SubjectPage {
  events: AuditEvent[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

export const MAX_PAGE_SIZE = 500;

/** A verification as the route answers it: when it ran, and whether this answer reused it. */
export type TimedVerifyReport = VerifyReport & { verifiedAt: string; cached: boolean };

/** What a verification was computed against: the head and checkpoints read before it started. */
interface VerifiedState {
  head: ChainHead;
  checkpoints: string;
  at: number;
  report: VerifyReport;
}

/** Subject verifications remembered besides the whole chain's; the oldest is dropped beyond this. */
const MAX_CACHED_VERIFICATIONS = 32;

/** What the rest of the system may do with the audit trail: append, read, verify. Nothing else. */
export class AuditService {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly checkpoints: CheckpointRepository,
    private readonly appender: ChainAppender,
    private readonly checkpointer: Checkpointer,
    private readonly signer: CheckpointSigner,
    /** How long `verifyCached` reuses a verification while nothing moved (0: never). */
    private readonly verifyCacheMs = 0,
  ) {}

  private readonly verified = new Map<string, VerifiedState>();
  private readonly verifying = new Map<string, Promise<VerifiedState>>();

  /** Appends an event that has no state change of its own (failed login, export); resolves once chained. */
  async record(draft: AuditDraft): Promise<AuditEvent | null> {
    const events = await this.appender.append([draft]);
    return events.at(0) ?? null;
  }

  /** Appends several drafts in order, in as few round trips as possible. */
  recordMany(drafts: readonly AuditDraft[]): Promise<AuditEvent[]> {
    return this.appender.append(drafts);
  }

  async list(filter: AuditListFilter = {}): Promise<AuditPage> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), MAX_PAGE_SIZE);
    const { after, limit: _limit, ...query } = filter;
    const events = await this.events.list({ ...query, afterSeq: after ?? 0 }, limit + 1);
    const page = events.slice(0, limit);
    return { events: page, nextCursor: events.length > limit ? (page.at(-1)?.seq ?? null) : null };
  }

  /**
   * One page of the events about a subject, newest first (an incident's own audit history). Pass the
   * previous page's `nextBefore` as `before` for older events.
   */
  async subjectPage(
    type: string,
    id: string,
    options: { before?: number; limit?: number } = {},
  ): Promise<SubjectPage> {
    const limit = Math.min(Math.max(options.limit ?? 20, 1), MAX_PAGE_SIZE);
    const events = await this.events.listNewestFirst(
      { subjectType: type, subjectId: id },
      options.before,
      limit + 1,
    );
    const page = events.slice(0, limit);
    return { events: page, nextBefore: events.length > limit ? (page.at(-1)?.seq ?? null) : null };
  }

  /** Every event about one subject, oldest first (an incident's timeline). */
  async forSubject(type: string, id: string): Promise<AuditEvent[]> {
    return this.events.list({ subjectType: type, subjectId: id }, Number.MAX_SAFE_INTEGER);
  }

  head(): Promise<ChainHead> {
    return this.appender.currentHead();
  }

  /** The PEM (SPKI) public key that verifies checkpoints. */
  publicKeyPem(): string {
    return this.signer.publicKeyPem;
  }

  checkpointList(): Promise<AuditCheckpoint[]> {
    return this.checkpoints.all();
  }

  /** Signs the current head unless already signed, so an export ends on a checkpoint. */
  async checkpointNow(): Promise<void> {
    await this.checkpointer.force(await this.head());
  }

  /**
   * Streams the chain in storage order, for exports: batches of 2,000 keep a million-event export's
   * memory bounded (the verifier's own pass reads 10,000 at a time).
   */
  streamEvents(): AsyncGenerator<AuditEvent> {
    return this.events.stream(2_000);
  }

  /** Recomputes the whole chain and checks every checkpoint; with a subject, reports on its share. */
  async verify(options: { subjectId?: string; publicKeyPem?: string } = {}): Promise<VerifyReport> {
    const publicKey = options.publicKeyPem ? parsePublicKey(options.publicKeyPem) : this.signer.publicKey;
    const verifier = new ChainVerifier(
      options.subjectId ? { publicKey, subjectId: options.subjectId } : { publicKey },
    );
    verifier.addCheckpoints(await this.checkpoints.all());
    for await (const event of this.events.stream()) {
      verifier.push(event);
      if (verifier.failed) break;
    }
    return verifier.finish();
  }

  /**
   * `verify` for the API: a verification proves the chain up to the head and checkpoints it started
   * from, so while both are unchanged (and for at most `verifyCacheMs`) its report is answered again
   * instead of recomputing a million hashes. Callers asking while one runs share it. A tampered old
   * event that leaves head and checkpoints alone shows at the next recomputation; `verify` (the CLI)
   * always recomputes.
   */
  async verifyCached(options: { subjectId?: string } = {}): Promise<TimedVerifyReport> {
    const key = options.subjectId ?? '';
    const running = this.verifying.get(key);
    if (running) return timed(await running, false);
    const [head, checkpoints] = await Promise.all([this.head(), this.checkpointMark()]);
    const last = this.verified.get(key);
    if (
      last &&
      Date.now() - last.at < this.verifyCacheMs &&
      last.head.seq === head.seq &&
      last.head.hash === head.hash &&
      last.checkpoints === checkpoints
    ) {
      return timed(last, true);
    }
    const run = this.verify(options).then((report) => ({ head, checkpoints, at: Date.now(), report }));
    this.verifying.set(key, run);
    try {
      const state = await run;
      this.remember(key, state);
      return timed(state, false);
    } finally {
      this.verifying.delete(key);
    }
  }

  /** The checkpoints a verification checks, as one comparable string (they are few). */
  private async checkpointMark(): Promise<string> {
    const all = await this.checkpoints.all();
    return `${all.length}:${all.at(-1)?.seq ?? 0}:${all.at(-1)?.signature ?? ''}`;
  }

  private remember(key: string, state: VerifiedState): void {
    if (this.verifyCacheMs <= 0) return;
    this.verified.delete(key); // re-inserted last: Map order stays oldest first
    this.verified.set(key, state);
    for (const oldest of this.verified.keys()) {
      if (this.verified.size <= MAX_CACHED_VERIFICATIONS) break;
      this.verified.delete(oldest);
    }
  }
}

function timed(state: VerifiedState, cached: boolean): TimedVerifyReport {
  return { ...state.report, verifiedAt: new Date(state.at).toISOString(), cached };
}
