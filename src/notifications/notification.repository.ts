import { storedOutbox, type AuditDraft } from '../audit/index.js';
import { GroupInsert, updateIf, isDuplicateKeyError, mongoose, trusted } from '../platform/db/index.js';
import { idForKey } from './key-id.js';
import type { NotificationModels } from './notification.model.js';
import type { NotificationRecord, NotificationStatus } from './notification.types.js';

const isObjectId = (id: string): boolean => /^[a-f0-9]{24}$/.test(id);

function toRecord(doc: Record<string, unknown>): NotificationRecord {
  const { _id, pendingAudit: _audit, ...rest } = doc;
  return { id: String(_id), ...rest } as unknown as NotificationRecord;
}

/**
 * The document of a notification: its fields named one by one, so nothing else a caller's object
 * carries is stored. Not cast through a mongoose document: the record is typed to the schema's fields,
 * and the cast (a document, its validation and `toObject`) was a measurable share of a loaded worker's
 * CPU (docs/benchmarks.md, session 22).
 */
const toStored = (
  record: Omit<NotificationRecord, 'id'>,
  _id: mongoose.Types.ObjectId,
  pendingAudit: AuditDraft[],
) => ({
  _id,
  key: record.key,
  kind: record.kind,
  template: record.template,
  incidentId: record.incidentId,
  advisoryId: record.advisoryId,
  recipients: record.recipients,
  dataRef: record.dataRef,
  status: record.status,
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
  pendingAudit,
});

/** The notifications collection: what to send, to whom. Not bureau-scoped: CERT-internal machinery. */
export class NotificationRepository {
  /** Concurrent dispatches' notifications share a write (see `GroupInsert`). */
  private readonly inserts: GroupInsert;

  constructor(
    private readonly models: NotificationModels,
    /** Told of each write with its outbox as stored (the audit relay's `kick`). */
    private readonly audited: (collection: string, id: unknown, pendingAudit: unknown[]) => void = () =>
      undefined,
  ) {
    this.inserts = new GroupInsert(() => this.models.notifications.collection);
  }

  private get collectionName(): string {
    return this.models.notifications.collection.collectionName;
  }

  async init(): Promise<void> {
    await this.models.notifications.createIndexes();
  }

  /**
   * Inserts the notification with its audit event; when its idempotency key exists already, returns
   * the stored one instead (`created: false`).
   */
  async insert(
    record: Omit<NotificationRecord, 'id'>,
    draft: (id: string) => AuditDraft,
  ): Promise<{ record: NotificationRecord; created: boolean }> {
    const id = idForKey(record.key);
    try {
      const pendingAudit = [draft(id.toHexString())];
      await this.models.notifications.create({ ...record, _id: id, pendingAudit });
      this.audited(this.collectionName, id, pendingAudit);
      return { record: { ...record, id: id.toHexString() }, created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.models.notifications.findOne({ _id: id }).lean();
      if (!existing) throw err;
      return { record: toRecord(existing), created: false };
    }
  }

  /**
   * Inserts several notifications, each with its audit event, in one command; those whose idempotency
   * key is stored already are returned as stored (`created: false`), in the order given.
   */
  async insertMany(
    entries: ReadonlyArray<{ record: Omit<NotificationRecord, 'id'>; draft: (id: string) => AuditDraft }>,
  ): Promise<Array<{ record: NotificationRecord; created: boolean }>> {
    if (entries.length === 0) return [];
    const docs = entries.map(({ record, draft }) => {
      const id = idForKey(record.key);
      return toStored(record, id, [draft(id.toHexString())]);
    });
    // Written with the others waiting. Another request may have stored some of them meanwhile: those
    // stand as they are.
    const inserted = await this.inserts.insert(docs);
    const refused = new Set(inserted.flatMap((stored, i) => (stored ? [] : [i])));
    const stored = await this.findByKeys(docs.filter((_, i) => refused.has(i)).map((doc) => doc.key));
    return docs.map((doc, i) => {
      if (refused.has(i)) {
        const existing = stored.get(doc.key);
        if (!existing) throw new Error(`notification ${doc.key} refused as a duplicate but not found`);
        return { record: existing, created: false };
      }
      this.audited(this.collectionName, doc._id, doc.pendingAudit);
      const { _id, pendingAudit: _audit, ...record } = doc;
      return { record: { ...record, id: _id.toHexString() }, created: true };
    });
  }

  async findById(id: string): Promise<NotificationRecord | null> {
    if (!isObjectId(id)) return null;
    const doc = await this.models.notifications.findOne({ _id: id }).lean();
    return doc ? toRecord(doc) : null;
  }

  async findByKey(key: string): Promise<NotificationRecord | null> {
    const doc = await this.models.notifications.findOne({ _id: idForKey(key) }).lean();
    return doc ? toRecord(doc) : null;
  }

  /** The stored notifications among `keys`, by key, in one read pinned by `_id` (as below). */
  async findByKeys(keys: readonly string[]): Promise<Map<string, NotificationRecord>> {
    if (keys.length === 0) return new Map();
    const docs = await this.models.notifications
      .find({ _id: trusted({ $in: keys.map(idForKey) }) }, { pendingAudit: 0, pendingJobs: 0 })
      .lean();
    return new Map(docs.map((doc) => [doc.key as string, toRecord(doc)]));
  }

  /**
   * The status of each stored notification among `keys`, by key; keys not stored are left out. One
   * query pinned by `_id` (derived from the keys), which our FerretDB serves from its index.
   */
  async statusesByKey(keys: readonly string[]): Promise<Map<string, NotificationStatus>> {
    if (keys.length === 0) return new Map();
    const docs = await this.models.notifications
      .find({ _id: trusted({ $in: keys.map(idForKey) }) }, { key: 1, status: 1 })
      .lean();
    return new Map(docs.map((doc) => [doc.key as string, doc.status as NotificationStatus]));
  }

  /** Moves the status; the audit draft goes in the same update, and only when it changes. */
  async setStatus(id: string, status: NotificationStatus, draft: AuditDraft): Promise<boolean> {
    if (!isObjectId(id)) return false;
    const _id = new mongoose.Types.ObjectId(id);
    const changed = await updateIf(
      this.models.notifications.collection,
      _id,
      { status: { $ne: status } },
      { $set: { status, updatedAt: new Date() }, $push: { pendingAudit: draft } },
    );
    if (changed) this.audited(this.collectionName, _id, storedOutbox(changed));
    return changed !== null;
  }

  /** Notifications still open and untouched since `before` (the reconciler re-queues them). */
  async findOpen(before: Date, limit: number): Promise<NotificationRecord[]> {
    const docs = await this.models.notifications
      .find({ status: trusted({ $in: ['queued', 'deferred'] }), updatedAt: trusted({ $lt: before }) })
      .sort({ updatedAt: 1 })
      .limit(limit)
      .lean();
    return docs.map(toRecord);
  }

  /** Marks a notification as looked at now, so the reconciler leaves it alone for a while. */
  async touch(id: string): Promise<void> {
    await this.models.notifications.updateOne({ _id: id }, { $set: { updatedAt: new Date() } });
  }
}
