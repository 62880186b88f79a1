import type { AuditDraft } from '../audit/index.js';
import { mongoose, type Connection, type Model } from '../platform/db/index.js';
import type { MessageAuthor } from './message.types.js';

/** The collection, also what the audit relay is told to drain. */
export const MESSAGES_COLLECTION = 'incident_messages';

export interface MessageDoc {
  _id: mongoose.Types.ObjectId;
  incidentId: string;
  bureauId: string;
  author: MessageAuthor;
  body: string;
  createdAt: Date;
  pendingAudit: AuditDraft[];
  /** True until the mail to the other side was requested (the outbox beside the audit outbox). */
  mailPending: boolean;
}

/**
 * Messages are inserted once with their audit event and the mail they owe in the same document (two
 * outboxes) and their content is never updated: only the audit relay's pull of `pendingAudit` and the
 * clearing of `mailPending` once the mail is requested write to them again.
 */
const messageSchema = new mongoose.Schema(
  {
    incidentId: { type: String, required: true },
    bureauId: { type: String, required: true },
    author: { type: mongoose.Schema.Types.Mixed, required: true },
    body: { type: String, required: true },
    createdAt: { type: Date, required: true },
    pendingAudit: { type: [mongoose.Schema.Types.Mixed], default: [] },
    mailPending: { type: Boolean, default: false },
  },
  { collection: MESSAGES_COLLECTION, versionKey: false, strict: 'throw' },
);
messageSchema.index({ incidentId: 1, createdAt: 1 });

export function messageModel(db: Connection): Model<MessageDoc> {
  return (
    (db.models.IncidentMessage as Model<MessageDoc> | undefined) ??
    db.model<MessageDoc>('IncidentMessage', messageSchema)
  );
}
