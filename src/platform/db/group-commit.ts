/** One call waiting for its write: what to write, and how to answer it. */
export interface Waiting<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/** How a group commit forms its writes: which waiting calls go in the next one, and the write itself. */
export interface GroupCommitSteps<I, R> {
  /** The calls of the next write, chosen among those waiting in arrival order (never none). */
  take(waiting: ReadonlyArray<Waiting<I, R>>): Array<Waiting<I, R>>;
  /** Writes them and answers each; a throw rejects every call of the batch. */
  write(batch: Array<Waiting<I, R>>): Promise<void>;
}

/**
 * Group commit: while one write is in flight, the calls that come meanwhile wait and go in the next
 * write together, so concurrent callers share a write (one store transaction) instead of queueing for
 * one each. A call is answered once the write that carried it returned, so a caller that writes, then
 * writes what names it, keeps that order.
 */
export class GroupCommit<I, R> {
  private readonly waiting: Array<Waiting<I, R>> = [];
  private flushing = false;

  constructor(private readonly steps: GroupCommitSteps<I, R>) {}

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.waiting.length > 0) {
        const chosen = this.steps.take(this.waiting);
        // Never an empty write: at least the oldest call goes, so the loop always moves on.
        const batch = chosen.length > 0 ? chosen : this.waiting.slice(0, 1);
        for (const call of batch) this.waiting.splice(this.waiting.indexOf(call), 1);
        await this.steps.write(batch).catch((err: unknown) => {
          for (const call of batch) call.reject(err);
        });
      }
    } finally {
      this.flushing = false;
    }
  }
}
