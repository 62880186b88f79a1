import type { AuditDraft } from '../audit/index.js';
import { isDuplicateKeyError, mongoose, trusted } from '../platform/db/index.js';
import type { NotificationModels } from './notification.model.js';
import type { NotificationRecord, NotificationStatus } from './notification.types.js';

const isObjectId = (id: string): boolean => /^[a-f0-9]{24}$/.test(id);

function toRecord(doc: Record<string, unknown>): NotificationRecord {
  const { _id, pendingAudit: _audit, ...rest } = doc;
  return { id: String(_id), ...rest } as unknown as NotificationRecord;
}

/** The notifications collection: what to send, to whom. Not bureau-scoped: CERT-internal machinery. */
export class NotificationRepository {
  constructor(private readonly models: NotificationModels) {}

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
    const id = new mongoose.Types.ObjectId();
    try {
      await this.models.notifications.create({ ...record, _id: id, pendingAudit: [draft(id.toHexString())] });
      return { record: { ...record, id: id.toHexString() }, created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.models.notifications.findOne({ key: record.key }).lean();
      if (!existing) throw err;
      return { record: toRecord(existing), created: false };
    }
  }

  async findById(id: string): Promise<NotificationRecord | null> {
    if (!isObjectId(id)) return null;
    const doc = await this.models.notifications.findOne({ _id: id }).lean();
    return doc ? toRecord(doc) : null;
  }

  async findByKey(key: string): Promise<NotificationRecord | null> {
    const doc = await this.models.notifications.findOne({ key }).lean();
    return doc ? toRecord(doc) : null;
  }

  /** Moves the status; the audit draft goes in the same update, and only when it changes. */
  async setStatus(id: string, status: NotificationStatus, draft: AuditDraft): Promise<boolean> {
    const result = await this.models.notifications.updateOne(
      { _id: id, status: trusted({ $ne: status }) },
      trusted({ $set: { status, updatedAt: new Date() }, $push: { pendingAudit: draft } }),
    );
    return result.modifiedCount > 0;
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
