import type { AuditDraft } from '../audit/index.js';
import { trusted } from '../platform/db/index.js';
import type { NotificationModels } from './notification.model.js';
import type { RecipientList } from './recipient-list.types.js';

function toList(doc: Record<string, unknown>): RecipientList {
  const { _id: _id, pendingAudit: _audit, ...rest } = doc;
  // Lists written before lists could be disabled have no such field.
  return { ...(rest as unknown as RecipientList), disabledAt: (rest.disabledAt as Date | null) ?? null };
}

/** Partner and duty recipient lists, by slug. */
export class RecipientListRepository {
  constructor(private readonly models: NotificationModels) {}

  async init(): Promise<void> {
    await this.models.lists.createIndexes();
  }

  /** Creates or replaces the list, its audit event in the same write. */
  async upsert(list: RecipientList, draft: AuditDraft): Promise<RecipientList> {
    const { slug, ...fields } = list;
    const update = trusted({ $set: fields, $push: { pendingAudit: draft } });
    const existing = await this.models.lists.findOne({ slug }, { _id: 1 }).lean();
    if (!existing) {
      await this.models.lists.updateOne({ slug }, update, { upsert: true });
      return list;
    }
    await this.models.lists.updateOne({ _id: existing._id }, update);
    return list;
  }

  /** Disables (a date) or enables (null) the list, its audit event in the same write; null when absent. */
  async setDisabled(slug: string, disabledAt: Date | null, draft: AuditDraft): Promise<RecipientList | null> {
    const existing = await this.models.lists.findOne({ slug }, { _id: 1 }).lean();
    if (!existing) return null;
    const update = trusted({ $set: { disabledAt }, $push: { pendingAudit: draft } });
    await this.models.lists.updateOne({ _id: existing._id }, update);
    return this.findBySlug(slug);
  }

  async findBySlug(slug: string): Promise<RecipientList | null> {
    const doc = await this.models.lists.findOne({ slug }).lean();
    return doc ? toList(doc) : null;
  }

  async list(): Promise<RecipientList[]> {
    const docs = await this.models.lists.find({}).sort({ slug: 1 }).lean();
    return docs.map(toList);
  }
}
