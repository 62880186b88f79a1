import type { mongo } from 'mongoose';

/** A condition on top-level fields of a document, in MongoDB filter syntax (equality, `$ne`, `$in`, `$nin`). */
export type WriteGuard = Record<string, unknown>;

/**
 * Compare-and-set: applies `update` to document `id` of `collection` only if it matches `guard`, and
 * returns the document after the update, or null when it is missing or does not match. One
 * `findOneAndUpdate` on `{ _id, ...guard }`: it holds because the store applies conditional writes
 * atomically, which start-up checks (assertAtomicWrites: MongoDB, or the FerretDB built by
 * tools/ferretdb). Code that reads, decides and writes uses {@link readDecideWrite} around it.
 */
export function updateIf(
  collection: mongo.Collection,
  id: unknown,
  guard: WriteGuard,
  update: Record<string, unknown>,
): Promise<mongo.WithId<mongo.Document> | null> {
  // No projection: FerretDB v1 does not implement one on findAndModify.
  return collection.findOneAndUpdate({ _id: id, ...guard } as mongo.Filter<mongo.Document>, update, {
    returnDocument: 'after',
  });
}
