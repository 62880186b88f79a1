import { mongoose, type Connection, type Model } from '../platform/db/index.js';

const { Schema } = mongoose;
const Mixed = Schema.Types.Mixed;

/** Collection names, also what the audit relay is told to drain. */
export const NOTIFICATION_COLLECTIONS = {
  notifications: 'notifications',
  deliveries: 'mail_deliveries',
  lists: 'recipient_lists',
} as const;

// Drafts are plain objects whose shape the audit module owns: stored as they come.
const outbox = { type: [Mixed], default: [] };

const notificationSchema = new Schema(
  {
    key: { type: String, required: true, unique: true },
    kind: { type: String, required: true },
    template: { type: String, required: true },
    incidentId: { type: String, default: null },
    advisoryId: { type: String, default: null },
    recipients: { type: [Mixed], default: [] },
    dataRef: { type: Mixed, required: true },
    status: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    pendingAudit: outbox,
  },
  { collection: NOTIFICATION_COLLECTIONS.notifications, versionKey: false, minimize: false },
);
notificationSchema.index({ status: 1, updatedAt: 1 });
notificationSchema.index({ advisoryId: 1 });
notificationSchema.index({ incidentId: 1 });

/**
 * The delivery ledger. `key` (kind, subject, recipient, revision) is unique: whatever re-runs, one row
 * per message, and a row marked `sent` is never sent again.
 */
const deliverySchema = new Schema(
  {
    key: { type: String, required: true, unique: true },
    kind: { type: String, required: true },
    subjectId: { type: String, required: true },
    revision: { type: Number, required: true },
    recipient: { type: String, required: true },
    recipientName: { type: String, required: true },
    notificationId: { type: String, required: true },
    status: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    messageId: { type: String, required: true },
    lastError: { type: String, default: null },
    response: { type: String, default: null },
    sentAt: { type: Date, default: null },
    leaseUntil: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    pendingAudit: outbox,
  },
  { collection: NOTIFICATION_COLLECTIONS.deliveries, versionKey: false, minimize: false },
);
deliverySchema.index({ subjectId: 1 });
deliverySchema.index({ notificationId: 1 });

/** Partner and duty lists (HKCERT, Police, PCPD, GIRO-SO): data, managed by administrators. */
const listSchema = new Schema(
  {
    slug: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    organisation: { type: String, required: true },
    circle: { type: String, required: true },
    members: { type: [Mixed], default: [] },
    updatedAt: { type: Date, required: true },
    /** Set while an administrator has the list disabled: routes naming it resolve to no one. */
    disabledAt: { type: Date, default: null },
    pendingAudit: outbox,
  },
  { collection: NOTIFICATION_COLLECTIONS.lists, versionKey: false, minimize: false },
);

export interface NotificationModels {
  notifications: Model<Record<string, unknown>>;
  deliveries: Model<Record<string, unknown>>;
  lists: Model<Record<string, unknown>>;
}

/** The module's models on one connection (tests hold several connections). */
export function notificationModels(db: Connection): NotificationModels {
  const model = (name: string, schema: mongoose.Schema): Model<Record<string, unknown>> =>
    (db.models[name] as Model<Record<string, unknown>> | undefined) ??
    db.model<Record<string, unknown>>(name, schema);
  return {
    notifications: model('Notification', notificationSchema),
    deliveries: model('MailDelivery', deliverySchema),
    lists: model('RecipientList', listSchema),
  };
}
