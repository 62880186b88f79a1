import { isDuplicateKeyError } from './connection.js';
import type { mongo } from './mongoose.js';

/** Most documents written by one `insertMany`. */
const MAX_BATCH = 200;

interface Waiting {
  docs: mongo.Document[];
  resolve: (stored: boolean[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Inserts into one collection, group-committed: while one `insertMany` is in flight, the inserts
 * asked for meanwhile wait and go in the next, unordered, as one write. The store takes one writer at
 * a time and pays per write transaction (an `insertMany` is one), so concurrent jobs that each insert
 * a document share a transaction instead of queueing for one each. An insert is answered only once
 * its command returned: a caller that inserts, then writes what names the document, keeps that order.
 *
 * A document whose `_id` is already stored is answered `false` (idempotent inserts under deterministic
 * ids: the stored one stands); any other refusal fails only the call it came from, and a failed command
 * fails every call in it.
 */
export class GroupInsert {
  private readonly waiting: Waiting[] = [];
  private flushing = false;

  constructor(private readonly collection: () => mongo.Collection) {}

  /** Per document, true when this call stored it, false when one with its `_id` was there. */
  insert(docs: readonly mongo.Document[]): Promise<boolean[]> {
    if (docs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiting.push({ docs: [...docs], resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.waiting.length > 0) {
        const batch: Waiting[] = [];
        let size = 0;
        // Whole calls only, so each call's documents are answered by one command.
        while (
          this.waiting.length > 0 &&
          (batch.length === 0 || size + (this.waiting[0]?.docs.length ?? 0) <= MAX_BATCH)
        ) {
          const next = this.waiting.shift();
          if (!next) break;
          batch.push(next);
          size += next.docs.length;
        }
        await this.write(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    const docs = batch.flatMap((call) => call.docs);
    let refused = new Map<number, unknown>();
    try {
      await this.collection().insertMany(docs, { ordered: false });
    } catch (err) {
      const failures = writeFailures(err);
      if (!failures) {
        for (const call of batch) call.reject(err);
        return;
      }
      refused = failures;
    }
    let offset = 0;
    for (const call of batch) {
      const positions = call.docs.map((_, i) => offset + i);
      offset += call.docs.length;
      const failure = positions
        .map((at) => refused.get(at))
        .find((err) => err !== undefined && !isDuplicateKeyError(err));
      if (failure !== undefined) call.reject(failure);
      else call.resolve(positions.map((at) => !refused.has(at)));
    }
  }
}

/** The refused documents of an unordered insert by position, or null when the command itself failed. */
function writeFailures(err: unknown): Map<number, unknown> | null {
  if (!hasWriteErrors(err)) return null;
  const failures = (err as { writeErrors: unknown }).writeErrors;
  const list = (Array.isArray(failures) ? failures : [failures]) as Array<{
    index?: number;
    err?: { index?: number };
  }>;
  const refused = new Map<number, unknown>();
  for (const failure of list) {
    const index = failure.index ?? failure.err?.index;
    if (index === undefined) return null;
    refused.set(index, failure.err ?? failure);
  }
  return refused;
}

function hasWriteErrors(err: unknown): boolean {
  const failures = (err as { writeErrors?: unknown } | null)?.writeErrors;
  return Array.isArray(failures) ? failures.length > 0 : failures !== undefined && failures !== null;
}
