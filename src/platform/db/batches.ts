/** The closable stream a driver cursor is (`find`, `aggregate`). */
interface ClosableCursor<D> extends AsyncIterable<D> {
  close(): Promise<void>;
}

/**
 * A cursor's documents mapped and grouped into arrays of `size` (the last may be shorter), the cursor
 * closed however the caller stops. Reconcilers read whole collections this way: one scan in natural
 * order, which FerretDB answers without decoding the collection once per page as `_id` paging would.
 */
export async function* inBatches<D, T>(
  cursor: ClosableCursor<D>,
  size: number,
  map: (doc: D) => T,
): AsyncGenerator<T[]> {
  let batch: T[] = [];
  try {
    for await (const doc of cursor) {
      batch.push(map(doc));
      if (batch.length < size) continue;
      yield batch;
      batch = [];
    }
    if (batch.length > 0) yield batch;
  } finally {
    await cursor.close();
  }
}
