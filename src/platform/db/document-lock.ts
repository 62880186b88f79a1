import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { mongo } from 'mongoose';
import { isDuplicateKeyError } from './connection.js';
import type { Connection } from './mongoose.js';

/** Options of {@link DocumentLocks}. */
export interface DocumentLockOptions {
  /** A lock older than this is taken over (its holder crashed). */
  ttlMs?: number;
  /** How long to wait for a lock before giving up. */
  waitMs?: number;
}

/** Thrown when a document stays locked longer than the wait allows. */
export class DocumentLockTimeout extends Error {}

/**
 * Per-document write locks for FerretDB v1 (SQLite backend), whose `update` and `findAndModify` read
 * the document, apply the operators in FerretDB and write the whole document back outside one
 * transaction (FerretDB#3040): two concurrent conditional updates both "match", and the last one
 * silently undoes the other. Measured here: 8 parallel `{ _id, revision: 0 }` updates, 5-8 reported
 * success every round, one survived. An insert with a unique `_id` is atomic there, so a lock row
 * per document serialises the writers that take it. Every writer of a locked collection must use it.
 */
export class DocumentLocks {
  private readonly ttlMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly db: Connection,
    options: DocumentLockOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.waitMs = options.waitMs ?? 15_000;
  }

  private get collection(): mongo.Collection<{ _id: string; owner: string; at: Date }> {
    if (!this.db.db) throw new Error('database connection not open');
    return this.db.db.collection('document_locks');
  }

  /** Runs `fn` holding the lock of `collection`/`id`; the lock is released whatever `fn` does. */
  async withLock<T>(collection: string, id: unknown, fn: () => Promise<T>): Promise<T> {
    const key = `${collection}|${String(id)}`;
    const owner = randomUUID();
    await this.acquire(key, owner);
    try {
      return await fn();
    } finally {
      await this.collection.deleteOne({ _id: key, owner });
    }
  }

  private async acquire(key: string, owner: string): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.collection.insertOne({ _id: key, owner, at: new Date() });
        return;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      const held = await this.collection.findOne({ _id: key });
      if (held && Date.now() - held.at.getTime() > this.ttlMs) {
        await this.collection.deleteOne({ _id: key, owner: held.owner });
        continue;
      }
      if (Date.now() > deadline) throw new DocumentLockTimeout(`document ${key} stayed locked`);
      await sleep(Math.min(2 + attempt * 3, 25) + Math.random() * 5);
    }
  }
}
