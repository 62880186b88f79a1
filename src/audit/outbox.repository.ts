import { mongo } from 'mongoose';
import type { Connection } from '../platform/db/index.js';
import { PENDING_AUDIT_FIELD, type AuditDraft } from './audit-draft.js';

/** A document of an audited collection with drafts waiting in its outbox, exactly as read. */
export interface PendingDocument {
  collection: string;
  id: unknown;
  /** The drafts as stored: `$pullAll` removes them by exact value. */
  drafts: AuditDraft[];
}

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

  /** Up to `limit` documents with pending drafts, in natural order. */
  async pending(collection: string, limit: number): Promise<PendingDocument[]> {
    const docs = await this.collection(collection)
      .find({ [`${PENDING_AUDIT_FIELD}.0`]: { $exists: true } }, { projection: { [PENDING_AUDIT_FIELD]: 1 } })
      .limit(limit)
      .toArray();
    return docs.map((doc) => ({
      collection,
      id: doc._id,
      drafts: doc[PENDING_AUDIT_FIELD] as AuditDraft[],
    }));
  }

  /** The pending drafts of one document (a prompt relay after a known write). */
  async pendingOf(collection: string, id: unknown): Promise<PendingDocument | null> {
    const doc = await this.collection(collection).findOne({ _id: id } as mongo.Filter<OutboxDocument>, {
      projection: { [PENDING_AUDIT_FIELD]: 1 },
    });
    const drafts: unknown = doc?.[PENDING_AUDIT_FIELD];
    return Array.isArray(drafts) && drafts.length > 0
      ? { collection, id, drafts: drafts as AuditDraft[] }
      : null;
  }

  /**
   * The outbox of a document as a write stored it, from the drafts the writer holds: put through BSON
   * the way the driver stored them (an `undefined` becomes null), so they hash and `$pullAll` exactly
   * like drafts read back.
   */
  asStored(collection: string, id: unknown, drafts: readonly unknown[]): PendingDocument {
    const { drafts: stored } = mongo.BSON.deserialize(mongo.BSON.serialize({ drafts })) as {
      drafts: AuditDraft[];
    };
    return { collection, id, drafts: stored };
  }

  /**
   * Removes exactly these drafts (as read) from each document's outbox: one bulk write per collection
   * (one round trip, and one pass through FerretDB's write lock for the whole batch).
   */
  async clear(documents: readonly PendingDocument[]): Promise<void> {
    const byCollection = new Map<string, PendingDocument[]>();
    for (const document of documents) {
      const batch = byCollection.get(document.collection) ?? [];
      batch.push(document);
      byCollection.set(document.collection, batch);
    }
    for (const [name, batch] of byCollection) {
      await this.collection(name).bulkWrite(
        batch.map((document) => ({
          updateOne: {
            filter: { _id: document.id } as mongo.Filter<OutboxDocument>,
            update: {
              $pullAll: { [PENDING_AUDIT_FIELD]: document.drafts },
            } as unknown as mongo.UpdateFilter<OutboxDocument>,
          },
        })),
        { ordered: false },
      );
    }
  }
}
