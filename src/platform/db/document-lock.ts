import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { mongo } from 'mongoose';
import siftModule from 'sift';
import { isDuplicateKeyError } from './connection.js';
import type { Connection } from './mongoose.js';
import { conditionalWritesAreAtomic } from './write-atomicity.js';

// sift is CommonJS with a default export: under NodeNext its tester is the module's `default`.
const matches = siftModule.default;

/** Options of {@link DocumentLocks}. */
export interface DocumentLockOptions {
  /** A lock older than this is taken over (its holder crashed). */
  ttlMs?: number;
  /** How long to wait for a lock before giving up. */
  waitMs?: number;
  /**
   * `auto` (the default) uses lock rows only where the server's conditional writes are not atomic
   * (stock FerretDB v1); `rows` always does (tests of that path).
   */
  mode?: 'auto' | 'rows';
}

/** A condition on top-level fields of a document, in MongoDB filter syntax (equality, `$ne`, `$in`, `$nin`). */
export type WriteGuard = Record<string, unknown>;

/** Thrown when a document stays locked longer than the wait allows. */
export class DocumentLockTimeout extends Error {}

/**
 * Per-document write exclusion that holds on MongoDB and on stock FerretDB v1 alike.
 *
 * Stock FerretDB v1 (SQLite backend) applies `update` and `findAndModify` by reading the document,
 * applying the operators and writing it back outside one transaction (FerretDB#3040): two concurrent
 * conditional updates both "match", and the last one silently undoes the other. Measured: 8 parallel
 * `{ _id, revision: 0 }` updates, 5-8 reported success every round, one survived. An insert with a
 * unique `_id` is atomic there, so a lock row per document serialises the writers that take it.
 *
 * {@link updateIf} and {@link write} use lock rows only on such a server; on MongoDB and on the
 * FerretDB built here (whose writes are atomic) they are one command, because the lock rows cost four
 * extra commands per write. {@link withLock} always takes the lock row: code that reads, decides and
 * writes in several steps must use it, and then every writer that could change what it decided on.
 */
export class DocumentLocks {
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly mode: 'auto' | 'rows';

  constructor(
    private readonly db: Connection,
    options: DocumentLockOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.waitMs = options.waitMs ?? 15_000;
    this.mode = options.mode ?? 'auto';
  }

  /** True when single writes need no lock row on this server. */
  private async atomic(): Promise<boolean> {
    return this.mode === 'auto' && (await conditionalWritesAreAtomic(this.db));
  }

  /**
   * Runs one write command `fn` that must not land inside another writer's locked read-and-write:
   * directly where writes are atomic, else under the document's lock row.
   */
  async write<T>(collection: string, id: unknown, fn: () => Promise<T>): Promise<T> {
    return (await this.atomic()) ? fn() : this.withLock(collection, id, fn);
  }

  /**
   * Writes each of `items` (documents of `collection`) once: with `batch`, one command for them all,
   * where writes are atomic; else with `single` per item under its lock row (a batch cannot hold
   * several lock rows at once).
   */
  async writeEach<T>(
    collection: string,
    items: readonly T[],
    idOf: (item: T) => unknown,
    batch: (items: readonly T[]) => Promise<unknown>,
    single: (item: T) => Promise<unknown>,
  ): Promise<void> {
    if (await this.atomic()) await batch(items);
    else await Promise.all(items.map((item) => this.withLock(collection, idOf(item), () => single(item))));
  }

  /**
   * Compare-and-set: applies `update` to document `id` of `collection` only if it matches `guard`, and
   * returns the document after the update, or null when it is missing or does not match. One
   * `findOneAndUpdate` on `{ _id, ...guard }` where writes are atomic; else, under the lock row, a read
   * by `_id`, the guard checked here (sift, MongoDB's matching rules) and a write by `_id`.
   */
  async updateIf(
    collection: mongo.Collection,
    id: unknown,
    guard: WriteGuard,
    update: Record<string, unknown>,
  ): Promise<mongo.WithId<mongo.Document> | null> {
    const byId = { _id: id } as mongo.Filter<mongo.Document>;
    const change = update as mongo.UpdateFilter<mongo.Document>;
    // No projection: FerretDB v1 does not implement one on findAndModify.
    if (await this.atomic()) {
      return collection.findOneAndUpdate({ ...byId, ...guard }, change, { returnDocument: 'after' });
    }
    return this.withLock(collection.collectionName, id, async () => {
      const current = await collection.findOne(byId);
      if (!current || !matches(guard)(current)) return null;
      return collection.findOneAndUpdate(byId, change, { returnDocument: 'after' });
    });
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
