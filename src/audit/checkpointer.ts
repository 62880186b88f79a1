import type { AuditCheckpoint, ChainHead } from './audit-event.types.js';
import type { CheckpointRepository } from './checkpoint.repository.js';
import type { CheckpointSigner } from './checkpoint-signer.js';

export interface CheckpointPolicy {
  /** Sign after this many new events... */
  every: number;
  /** ...or after this many seconds with new events. */
  seconds: number;
}

/** Decides when the chain deserves a new signed checkpoint, and writes it. */
export class Checkpointer {
  private last: AuditCheckpoint | null | undefined;

  constructor(
    private readonly repository: CheckpointRepository,
    private readonly signer: CheckpointSigner,
    private readonly policy: CheckpointPolicy,
  ) {}

  /** Signs `head` when enough events or time have passed since the last checkpoint. */
  async consider(head: ChainHead, now: Date = new Date()): Promise<AuditCheckpoint | null> {
    this.last ??= await this.repository.latest();
    const lastSeq = this.last?.seq ?? 0;
    if (head.seq <= lastSeq) return null;
    const lastAt = this.last ? Date.parse(this.last.at) : 0;
    const due =
      head.seq - lastSeq >= this.policy.every || now.getTime() - lastAt >= this.policy.seconds * 1000;
    if (!due) return null;
    const checkpoint = this.signer.sign(head.seq, head.hash, now);
    // A lost race means another process signed this very position: equally good.
    await this.repository.insert(checkpoint);
    this.last = checkpoint;
    return checkpoint;
  }

  /** Signs `head` now unless it is already checkpointed (used before an export). */
  async force(head: ChainHead): Promise<void> {
    if (head.seq === 0) return;
    this.last = await this.repository.latest();
    if ((this.last?.seq ?? 0) >= head.seq) return;
    const checkpoint = this.signer.sign(head.seq, head.hash);
    await this.repository.insert(checkpoint);
    this.last = checkpoint;
  }
}
