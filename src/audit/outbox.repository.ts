import { mongo } from 'mongoose';
import { idSlices, type Connection } from '../platform/db/index.js';
import { PENDING_JOBS_FIELD } from '../platform/index.js';
import { PENDING_AUDIT_FIELD, type AuditDraft } from './audit-draft.js';
import type { PendingDocument } from './pending-document.js';

export type { PendingDocument } from './pending-document.js';

/**
 * Documents pulled per bulk write at most: after a backlog (a worker stopped, a store restarted) a
 * pass can pull thousands, and one bulk write holds FerretDB's writer for all of them while requests
 * wait; in slices, other writes get in between.
 */
const PULLS_PER_WRITE = 100;

const PROJECTION = { [PENDING_AUDIT_FIELD]: 1, [PENDING_JOBS_FIELD]: 1 };

const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);

function pendingOfDoc(collection: string, doc: mongo.Document): PendingDocument {
  return {
    collection,
    id: doc._id,
    drafts: arrayOf(doc[PENDING_AUDIT_FIELD]) as AuditDraft[],
    jobs: arrayOf(doc[PENDING_JOBS_FIELD]),
  };
}

const isEmpty = (document: PendingDocument): boolean =>
  document.drafts.length === 0 && document.jobs.length === 0;

type OutboxDocument = mongo.Document;

/**
 * Reads and clears the `pendingAudit` outbox of registered collections through the native driver.
 * Clearing uses `$pullAll` with the values as read: FerretDB ignores `$pull` with a condition, and an
 * exact-value pull leaves any draft pushed since the read in place.
 */
export class OutboxRepository {
  constructor(private readonly db: Connection) {}

  private collection(name: string): mongo.Collection {
    if (!this.db.db) throw new Error('database connection not open');
    return this.db.db.collection(name);
  }

  /**
   * Up to `limit` documents with pending drafts or jobs, in natural order, in one query. The FerretDB
   * build narrows a `{"f.0": {$exists: true}}` condition through SQLite's JSON functions, so only the
   * rows with an outbox are decoded, and a top-level `$or` of such conditions too. Until the build narrowed
   * `$or` (session 21), one decoded the whole collection (6-20 s per sweep of the incidents in a chaos
   * run), so a sweep read each outbox in a query of its own: two reads per collection.
   */
  async pending(collection: string, limit: number): Promise<PendingDocument[]> {
    const docs = await this.collection(collection)
      .find(
        {
          $or: [PENDING_AUDIT_FIELD, PENDING_JOBS_FIELD].map((field) => ({
            [`${field}.0`]: { $exists: true },
          })),
        },
        { projection: PROJECTION },
      )
      .limit(limit)
      .toArray();
    return docs.map((doc) => pendingOfDoc(collection, doc));
  }

  /**
   * The pending drafts and jobs of these documents (prompt relays of writes known by id only), in
   * reads of at most 500 ids: one `_id $in` query, which the FerretDB build serves from the `_id`
   * index, instead of one round trip per document.
   */
  async pendingOf(collection: string, ids: readonly unknown[]): Promise<PendingDocument[]> {
    const found: PendingDocument[] = [];
    for (const slice of idSlices(ids)) {
      const docs = await this.collection(collection)
        .find({ _id: { $in: slice } } as mongo.Filter<OutboxDocument>, { projection: PROJECTION })
        .toArray();
      for (const doc of docs) {
        const document = pendingOfDoc(collection, doc);
        if (!isEmpty(document)) found.push(document);
      }
    }
    return found;
  }

  /**
   * The outbox of a document as a write stored it, from the drafts the writer holds: put through BSON
   * the way the driver stored them (an `undefined` becomes null), so they hash and `$pullAll` exactly
   * like drafts read back.
   */
  asStored(
    collection: string,
    id: unknown,
    drafts: readonly unknown[],
    jobs: readonly unknown[] = [],
  ): PendingDocument {
    const stored = mongo.BSON.deserialize(mongo.BSON.serialize({ drafts, jobs })) as {
      drafts: AuditDraft[];
      jobs: unknown[];
    };
    return { collection, id, drafts: stored.drafts, jobs: stored.jobs };
  }

  /**
   * Removes exactly these drafts and jobs (as read) from each document's outboxes: one bulk write per
   * collection (one round trip, and one pass through FerretDB's write lock for the whole batch).
   */
  async clear(documents: readonly PendingDocument[]): Promise<void> {
    const byCollection = new Map<string, PendingDocument[]>();
    for (const document of documents) {
      const batch = byCollection.get(document.collection) ?? [];
      batch.push(document);
      byCollection.set(document.collection, batch);
    }
    for (const [name, batch] of byCollection) {
      const pulls = batch.filter((document) => !isEmpty(document));
      for (let start = 0; start < pulls.length; start += PULLS_PER_WRITE) {
        await this.pullBatch(name, pulls.slice(start, start + PULLS_PER_WRITE));
      }
    }
  }

  private async pullBatch(name: string, pulls: readonly PendingDocument[]): Promise<void> {
    await this.collection(name).bulkWrite(
      pulls.map((document) => ({
        updateOne: {
          filter: { _id: document.id } as mongo.Filter<OutboxDocument>,
          update: {
            $pullAll: {
              ...(document.drafts.length > 0 ? { [PENDING_AUDIT_FIELD]: document.drafts } : {}),
              ...(document.jobs.length > 0 ? { [PENDING_JOBS_FIELD]: document.jobs } : {}),
            },
          } as unknown as mongo.UpdateFilter<OutboxDocument>,
        },
      })),
      { ordered: false },
    );
  }
}
