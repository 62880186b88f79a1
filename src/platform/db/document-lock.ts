import type { mongo } from 'mongoose';
import type { Connection } from './mongoose.js';

/** A condition on top-level fields of a document, in MongoDB filter syntax (equality, `$ne`, `$in`, `$nin`). */
export type WriteGuard = Record<string, unknown>;

/**
 * Single conditional writes, each one command. They hold because the store applies conditional
 * writes atomically, which start-up checks (assertAtomicWrites: MongoDB, or the FerretDB built by
 * tools/ferretdb); the lock rows this class once took for stock FerretDB v1 are gone. Code that reads,
 * decides and writes uses {@link readDecideWrite} with one of these writes (or its own guarded write).
 *
 * `write` remains for the one caller still written against the lock rows (notification.repository);
 * it now runs its command directly.
 */
export class DocumentLocks {
  // Kept taking the connection so its callers stay as they are while they move to readDecideWrite.
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor
  constructor(_db?: Connection) {}

  /** Runs the single write command `fn`. */
  async write<T>(_collection: string, _id: unknown, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  /**
   * Compare-and-set: applies `update` to document `id` of `collection` only if it matches `guard`, and
   * returns the document after the update, or null when it is missing or does not match. One
   * `findOneAndUpdate` on `{ _id, ...guard }`.
   */
  async updateIf(
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
}
