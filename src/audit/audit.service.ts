import type { AuditDraft } from './audit-draft.js';
import type { AuditCheckpoint, AuditEvent, ChainHead, VerifyReport } from './audit-event.types.js';
import type { AuditEventRepository, EventQuery } from './audit-event.repository.js';
import type { ChainAppender } from './chain-appender.js';
import type { CheckpointRepository } from './checkpoint.repository.js';
import type { CheckpointSigner } from './checkpoint-signer.js';
import type { Checkpointer } from './checkpointer.js';
import { ChainVerifier } from './chain-verifier.js';
import { parsePublicKey } from './checkpoint-signer.js';

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

export const MAX_PAGE_SIZE = 500;

/** What the rest of the system may do with the audit trail: append, read, verify. Nothing else. */
export class AuditService {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly checkpoints: CheckpointRepository,
    private readonly appender: ChainAppender,
    private readonly checkpointer: Checkpointer,
    private readonly signer: CheckpointSigner,
  ) {}

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
}
