import { GroupCommit, type Waiting } from './group-commit.js';

/** Most ids in one read (the FerretDB build narrows `_id $in` through the index up to 500). */
const MAX_IDS = 500;

type Call<V> = Waiting<string, V | null>;

/**
 * Reads by id, grouped: while one read is in flight, the ids asked for meanwhile wait and go in the
 * next read together (`_id $in`), so concurrent jobs that each read one document share a command. A
 * read alone goes at once, as before. For reads whose caller writes conditionally on what it read
 * (a fresh read either way), never for scoped reads: the scope stays in the query.
 */
export class GroupRead<V> {
  private readonly reads: GroupCommit<string, V | null>;

  /** @param read the documents with these ids, by id (an id with none is absent). */
  constructor(read: (ids: readonly string[]) => Promise<ReadonlyMap<string, V>>) {
    this.reads = new GroupCommit<string, V | null>({
      take: (waiting) => {
        const batch: Array<Call<V>> = [];
        const ids = new Set<string>();
        for (const call of waiting) {
          if (!ids.has(call.item) && ids.size >= MAX_IDS) break;
          ids.add(call.item);
          batch.push(call);
        }
        return batch;
      },
      write: async (batch) => {
        const found = await read([...new Set(batch.map((call) => call.item))]);
        const handedOut = new Set<string>();
        for (const call of batch) {
          const value = found.get(call.item) ?? null;
          // Two callers of one id each get their own copy: neither sees what the other changes.
          call.resolve(value !== null && handedOut.has(call.item) ? structuredClone(value) : value);
          handedOut.add(call.item);
        }
      },
    });
  }

  load(id: string): Promise<V | null> {
    return this.reads.submit(id);
  }
}
