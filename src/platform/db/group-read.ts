import { GroupCommit, type Waiting } from './group-commit.js';

/**
 * Most ids in one `_id $in` read: the FerretDB build narrows such a read through the `_id` index up to
 * 500 ids and decodes the whole collection beyond (`tools/ferretdb`, `govcertIDWhereClause`).
 */
export const MAX_IDS_PER_READ = 500;

/** `ids` in order, in slices of at most {@link MAX_IDS_PER_READ}: one `_id $in` read each. */
export function idSlices<T>(ids: readonly T[]): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < ids.length; start += MAX_IDS_PER_READ) {
    slices.push(ids.slice(start, start + MAX_IDS_PER_READ));
  }
  return slices;
}

type Call<V> = Waiting<readonly string[], Map<string, V>>;

/**
 * Reads by id, grouped: while one read is in flight, the ids asked for meanwhile wait and go in the
 * next read together (`_id $in`), so concurrent jobs that each read a few documents share a command. A
 * call made while nothing is in flight goes at once, as before, and a call is never answered by a read
 * sent before it was made. For reads whose caller writes conditionally on what it read, or reads after
 * its own write; never for scoped reads: the scope stays in the query.
 */
export class GroupRead<V> {
  private readonly reads: GroupCommit<readonly string[], Map<string, V>>;

  /** @param read the documents with these ids, by id (an id with none is absent). */
  constructor(read: (ids: readonly string[]) => Promise<ReadonlyMap<string, V>>) {
    this.reads = new GroupCommit<readonly string[], Map<string, V>>({
      // Whole calls only, so each call's ids are answered by one read.
      take: (waiting) => {
        const batch: Array<Call<V>> = [];
        const ids = new Set<string>();
        for (const call of waiting) {
          const added = call.item.filter((id) => !ids.has(id)).length;
          if (batch.length > 0 && ids.size + added > MAX_IDS_PER_READ) break;
          for (const id of call.item) ids.add(id);
          batch.push(call);
        }
        return batch;
      },
      write: async (batch) => {
        const found = await read([...new Set(batch.flatMap((call) => call.item))]);
        const handedOut = new Set<string>();
        for (const call of batch) {
          const answer = new Map<string, V>();
          for (const id of call.item) {
            const value = found.get(id);
            if (value === undefined) continue;
            // Two callers of one id each get their own copy: neither sees what the other changes.
            answer.set(id, handedOut.has(id) ? structuredClone(value) : value);
            handedOut.add(id);
          }
          call.resolve(answer);
        }
      },
    });
  }

  /** The documents with these ids, by id (an id with none is absent); 500 ids per read at most. */
  async loadMany(ids: readonly string[]): Promise<Map<string, V>> {
    const unique = [...new Set(ids)];
    if (unique.length <= MAX_IDS_PER_READ) return unique.length === 0 ? new Map() : this.reads.submit(unique);
    const answers = await Promise.all(idSlices(unique).map((part) => this.reads.submit(part)));
    return new Map(answers.flatMap((answer) => [...answer]));
  }

  async load(id: string): Promise<V | null> {
    return (await this.loadMany([id])).get(id) ?? null;
  }
}
