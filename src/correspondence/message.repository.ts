import type { AuditDraft } from '../audit/index.js';
import { mongoose, trusted, type Connection, type Model } from '../platform/db/index.js';
import { MESSAGES_COLLECTION, messageModel, type MessageDoc } from './message.model.js';
import type { IncidentMessage } from './message.types.js';

/** Called after an insert with what was written (the audit relay's `kick`). */
export type AfterInsert = (collection: string, id: unknown, pendingAudit: AuditDraft[]) => void;

type StoredMessage = Omit<MessageDoc, 'pendingAudit' | 'mailPending'>;
const HIDDEN = { pendingAudit: 0, mailPending: 0 } as const;

function toMessage(doc: StoredMessage): IncidentMessage {
  return {
    id: doc._id.toHexString(),
    incidentId: doc.incidentId,
    bureauId: doc.bureauId,
    author: doc.author,
    body: doc.body,
    createdAt: doc.createdAt,
  };
}

/**
 * The messages collection: inserts, each with its audit event in the same single-document write, and
 * reads of one incident's thread. The caller has checked the incident is in the actor's scope (the
 * incidents module's service does that); this collection holds nothing else to scope.
 */
export class MessageRepository {
  private readonly model: Model<MessageDoc>;

  constructor(
    db: Connection,
    private readonly afterInsert: AfterInsert = () => undefined,
  ) {
    this.model = messageModel(db);
  }

  readonly collectionName = MESSAGES_COLLECTION;

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  /**
   * Stores the message, its audit draft (built with the new message's id) and the mail it owes
   * (`mailPending`) in one insert.
   */
  async insert(
    message: Omit<IncidentMessage, 'id'>,
    draft: (id: string) => AuditDraft,
  ): Promise<IncidentMessage> {
    const _id = new mongoose.Types.ObjectId();
    const pendingAudit = [draft(_id.toHexString())];
    await this.model.create({ ...message, _id, pendingAudit, mailPending: true });
    this.afterInsert(this.collectionName, _id, pendingAudit);
    return { ...message, id: _id.toHexString() };
  }

  /** The incident's latest `limit` messages, oldest first. */
  async thread(incidentId: string, limit: number): Promise<IncidentMessage[]> {
    const docs = await this.model
      .find({ incidentId }, HIDDEN)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<StoredMessage[]>();
    return docs.map(toMessage).reverse();
  }

  /** Clears the message's mail outbox once its mail is requested (or can never be). */
  async mailRequested(id: string): Promise<void> {
    await this.model.updateOne({ _id: id }, trusted({ $set: { mailPending: false } }));
  }

  /** Messages whose mail is still owed, written before `before` (left by a crash), oldest first. */
  async mailOwed(before: Date, limit: number): Promise<IncidentMessage[]> {
    const docs = await this.model
      .find({ mailPending: true, createdAt: trusted({ $lt: before }) }, HIDDEN)
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<StoredMessage[]>();
    return docs.map(toMessage);
  }
}
