import type { MailDelivery } from '../notifications/index.js';
import type { AdvisoryRecord } from './advisory.records.js';

/** Ledger rows of an advisory (the notification module's delivery ledger fits). */
export interface DeliveryLedger {
  listBySubject(subjectId: string): Promise<MailDelivery[]>;
}

/** How advisories are shown by the API. */
export class AdvisoryViews {
  constructor(private readonly ledger: DeliveryLedger) {}

  /** List entry: the latest revision's title and markings, and what is approved. */
  readonly summary = (advisory: AdvisoryRecord) => {
    const latest = advisory.revisions.find((r) => r.number === advisory.latestRevision);
    return {
      id: advisory.id,
      ref: advisory.ref,
      title: latest?.content.title ?? null,
      tlp: latest?.content.tlp ?? null,
      pap: latest?.content.pap ?? null,
      latestRevision: advisory.latestRevision,
      approvedRevisions: advisory.revisions.filter((r) => r.approvedAt !== null).map((r) => r.number),
      sends: advisory.sends.length,
      updatedAt: advisory.updatedAt,
    };
  };

  /** The whole advisory with every revision, every send and the delivery status per recipient. */
  readonly full = async (advisory: AdvisoryRecord) => {
    const rows = await this.ledger.listBySubject(advisory.id);
    return {
      ...this.summary(advisory),
      createdAt: advisory.createdAt,
      createdBy: advisory.createdBy,
      revisions: advisory.revisions,
      sends: advisory.sends,
      deliveries: rows.map((row) => ({
        recipient: row.recipient,
        recipientName: row.recipientName,
        revision: row.revision,
        status: row.status,
        attempts: row.attempts,
        reason: row.lastError,
        sentAt: row.sentAt,
        messageId: row.messageId,
      })),
    };
  };
}
