import type { RecipientCircle } from '../platform/index.js';
import type { TemplateName } from '../mail/index.js';

/** One person or mailbox a notification goes to, resolved when the notification is requested. */
export interface NotificationRecipient {
  address: string;
  name: string;
  organisation: string;
  circle: RecipientCircle;
  /** `list` when reached through a recipient list or a bureau's contacts, `individual` when named. */
  kind: 'individual' | 'list';
  /** The route or list it came from (`reporting-bureau`, `hkcert`, `bureau:DH`), or `named`. */
  via: string;
}

/**
 * What the worker renders from. Template data is stored with the notification (never in the job):
 * `data` is merged over what is loaded by id when the mail is rendered (the incident summary).
 */
export interface NotificationDataRef {
  /** Load the incident summary of `incidentId` at render time. */
  incident: boolean;
  /** Extra template fields (a clock, a tier, an advisory revision as approved). */
  data: Record<string, unknown>;
  /** Ledger revision: the same subject, recipient and revision is delivered at most once. */
  revision: number;
}

/** Overall state of a notification, from its per-recipient deliveries. */
export type NotificationStatus = 'queued' | 'deferred' | 'sent' | 'partially_failed' | 'failed';

/** A stored notification: what to send, to whom, rendered from which data. */
export interface NotificationRecord {
  id: string;
  /** What it is about: `advisory`, `clock-warning`, `incident-acknowledgement`, ... */
  kind: string;
  template: TemplateName;
  incidentId: string | null;
  advisoryId: string | null;
  recipients: NotificationRecipient[];
  dataRef: NotificationDataRef;
  status: NotificationStatus;
  /** Idempotency key: a second request with the same key returns the first notification. */
  key: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Per-recipient delivery state in the ledger. */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'deferred' | 'failed';

/** One ledger row: one message to one recipient, for one subject revision. */
export interface MailDelivery {
  key: string;
  kind: string;
  subjectId: string;
  revision: number;
  recipient: string;
  recipientName: string;
  notificationId: string;
  status: DeliveryStatus;
  attempts: number;
  messageId: string;
  lastError: string | null;
  response: string | null;
  sentAt: Date | null;
  /** While `sending`: until when the claimer owns the row; after that anyone may claim it again. */
  leaseUntil: Date | null;
  updatedAt: Date;
}

/** A request from another module (workflow, intake, advisories) to notify someone. */
export interface NotificationRequest {
  kind: string;
  template: TemplateName;
  incidentId?: string;
  /** The incident's bureau, when the caller has the incident at hand (spares reading it to route). */
  bureauId?: string;
  advisoryId?: string;
  /** Route names (`reporting-bureau`, `director-of-bureau`, `bureau:<code>`) or recipient list slugs. */
  routes?: string[];
  /** Recipients already resolved (advisory sends resolve and TLP-check them first). */
  recipients?: NotificationRecipient[];
  /** Extra template data, stored with the notification. */
  data?: Record<string, unknown>;
  /** Subject revision for the ledger (advisory revision); default 0. */
  revision?: number;
  /** Idempotency key; default a fresh one (every request is a new notification). */
  key?: string;
  /** Whether to load the incident summary at render time; default true when `incidentId` is set. */
  loadIncident?: boolean;
}
