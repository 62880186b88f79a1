import { isDuplicateKeyError, writeErrorsByIndex } from './connection.js';
import { GroupCommit, type Waiting } from './group-commit.js';
import type { mongo } from './mongoose.js';

/** Most documents written by one `insertMany`. */
const MAX_BATCH = 200;

type Call = Waiting<mongo.Document[], boolean[]>;

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
  private readonly commits: GroupCommit<mongo.Document[], boolean[]>;

  constructor(private readonly collection: () => mongo.Collection) {
    this.commits = new GroupCommit({
      // Whole calls only, so each call's documents are answered by one command.
      take: (waiting) => {
        const batch: Call[] = [];
        let size = 0;
        for (const call of waiting) {
          if (batch.length > 0 && size + call.item.length > MAX_BATCH) break;
          batch.push(call);
          size += call.item.length;
        }
        return batch;
      },
      write: (batch) => this.write(batch),
    });
  }

  /** Per document, true when this call stored it, false when one with its `_id` was there. */
  insert(docs: readonly mongo.Document[]): Promise<boolean[]> {
    if (docs.length === 0) return Promise.resolve([]);
    return this.commits.submit([...docs]);
  }

  private async write(batch: Call[]): Promise<void> {
    const docs = batch.flatMap((call) => call.item);
    let refused = new Map<number, unknown>();
    try {
      await this.collection().insertMany(docs, { ordered: false });
    } catch (err) {
      const failures = writeErrorsByIndex(err);
      if (!failures) throw err;
      refused = failures;
    }
    let offset = 0;
    for (const call of batch) {
      const positions = call.item.map((_, i) => offset + i);
      offset += call.item.length;
      const failure = positions
        .map((at) => refused.get(at))
        .find((err) => err !== undefined && !isDuplicateKeyError(err));
      if (failure !== undefined) call.reject(failure);
      else call.resolve(positions.map((at) => !refused.has(at)));
    }
  }
}
