import type { AuditDraft } from '../audit/index.js';
import { mongoose, trusted, type Connection } from '../platform/db/index.js';
import { advisoryModels, type AdvisoryModels } from './advisory.model.js';
import type { AdvisoryRecord, AdvisorySend, StoredRevision } from './advisory.records.js';

const isObjectId = (id: string): boolean => /^[a-f0-9]{24}$/.test(id);
/** How a send names a bureau's contacts (`AdvisorySend.lists`). */
const bureauTag = (code: string): string => `bureau:${code}`;
const sentTo = (advisory: AdvisoryRecord, tag: string): boolean =>
  advisory.sends.some((send) => send.lists.includes(tag));
const HIDDEN = { pendingAudit: 0 } as const;

function toRecord(doc: Record<string, unknown>): AdvisoryRecord {
  const { _id, pendingAudit: _audit, ...rest } = doc;
  return { id: String(_id), ...rest } as unknown as AdvisoryRecord;
}

/**
 * The advisories collection. Every write is one conditional update carrying its audit event; edits
 * are conditional on `latestRevision`, so two editors of the same revision cannot both win (the store
 * applies a conditional update atomically: start-up refuses one that does not).
 */
export class AdvisoryRepository {
  private readonly models: AdvisoryModels;

  constructor(db: Connection) {
    this.models = advisoryModels(db);
  }

  async init(): Promise<void> {
    await Promise.all([this.models.advisories.createIndexes(), this.models.sequences.createIndexes()]);
  }

  get collectionName(): string {
    return this.models.advisories.collection.collectionName;
  }

  /** The next tracking number of `year`. */
  async nextSequence(year: number): Promise<number> {
    const doc = await this.models.sequences
      .findOneAndUpdate({ _id: year }, { $inc: { seq: 1 } }, { upsert: true, new: true })
      .lean();
    // Typed non-null by mongoose, but an upsert that returns nothing must not become NaN.
    return (
      (doc as { seq?: number } | null)?.seq ?? Promise.reject(new Error('advisory sequence not returned'))
    );
  }

  async insert(
    record: Omit<AdvisoryRecord, 'id'>,
    draft: (id: string) => AuditDraft,
  ): Promise<AdvisoryRecord> {
    const id = new mongoose.Types.ObjectId();
    await this.models.advisories.create({ ...record, _id: id, pendingAudit: [draft(id.toHexString())] });
    return { ...record, id: id.toHexString() };
  }

  async findById(id: string): Promise<AdvisoryRecord | null> {
    if (!isObjectId(id)) return null;
    const doc = await this.models.advisories.findOne({ _id: id }, HIDDEN).lean();
    return doc ? toRecord(doc) : null;
  }

  /** Newest first. */
  async list(limit: number): Promise<AdvisoryRecord[]> {
    const docs = await this.models.advisories.find({}, HIDDEN).sort({ updatedAt: -1 }).limit(limit).lean();
    return docs.map(toRecord);
  }

  /**
   * Advisories a send named `bureau:<code>` in (the bureau's contacts as a list), newest first. The
   * bureau is part of the query, and each document is checked again here, so nothing else comes back.
   */
  async listSentToBureau(bureauCode: string, limit: number): Promise<AdvisoryRecord[]> {
    const tag = bureauTag(bureauCode);
    const docs = await this.models.advisories
      .find({ 'sends.lists': tag }, HIDDEN)
      .sort({ updatedAt: -1 })
      .limit(limit)
      .lean();
    return docs.map(toRecord).filter((advisory) => sentTo(advisory, tag));
  }

  /** The advisory if a send named `bureau:<code>`; null otherwise (as if it did not exist). */
  async findSentToBureau(bureauCode: string, id: string): Promise<AdvisoryRecord | null> {
    if (!isObjectId(id)) return null;
    const tag = bureauTag(bureauCode);
    const doc = await this.models.advisories.findOne({ _id: id, 'sends.lists': tag }, HIDDEN).lean();
    const advisory = doc ? toRecord(doc) : null;
    return advisory && sentTo(advisory, tag) ? advisory : null;
  }

  /** Appends revision `latest + 1` if the advisory is still at `latest`; null when it moved on. */
  async appendRevision(
    id: string,
    latest: number,
    revision: StoredRevision,
    draft: AuditDraft,
  ): Promise<AdvisoryRecord | null> {
    return this.update(
      { _id: id, latestRevision: latest },
      {
        $set: { latestRevision: revision.number, updatedAt: new Date() },
        $push: { revisions: revision, pendingAudit: draft },
      },
    );
  }

  /** Replaces the revision list (approval of one revision) if the advisory is still at `latest`. */
  async setRevisions(
    id: string,
    latest: number,
    revisions: StoredRevision[],
    draft: AuditDraft,
  ): Promise<AdvisoryRecord | null> {
    return this.update(
      { _id: id, latestRevision: latest },
      {
        $set: { revisions, updatedAt: new Date() },
        $push: { pendingAudit: draft },
      },
    );
  }

  async addSend(id: string, send: AdvisorySend, draft: AuditDraft): Promise<void> {
    await this.update(
      { _id: id },
      { $set: { updatedAt: new Date() }, $push: { sends: send, pendingAudit: draft } },
    );
  }

  /** An audit event with no change of the advisory itself (exports, refused sends). */
  async audit(id: string, draft: AuditDraft): Promise<void> {
    await this.models.advisories.updateOne({ _id: id }, trusted({ $push: { pendingAudit: draft } }));
  }

  private async update(
    filter: { _id: string } & Record<string, unknown>,
    update: Record<string, unknown>,
  ): Promise<AdvisoryRecord | null> {
    const doc = await this.models.advisories
      .findOneAndUpdate(filter, trusted(update), { new: true }) // FerretDB v1: no projection here
      .lean();
    return doc ? toRecord(doc) : null;
  }
}
