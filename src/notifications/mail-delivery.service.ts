import { auditDraft, type AuditDraft } from '../audit/index.js';
import { systemActor } from '../auth/index.js';
import { classifySmtpError, type Mailbox, type MailTransport } from '../mail/index.js';
import type { Logger } from '../platform/index.js';
import type { MailDeliveryRepository, AttemptOutcome } from './mail-delivery.repository.js';
import { MissingSubjectError, type NotificationComposer } from './notification-composer.js';
import type { NotificationRepository } from './notification.repository.js';
import type { NotificationService } from './notification.service.js';
import type {
  MailDelivery,
  NotificationRecipient,
  NotificationRecord,
  NotificationStatus,
} from './notification.types.js';

const actor = systemActor('mailer');
/** How long a claimed row belongs to its claimer before another notification may take it over. */
const LEASE_MS = 5 * 60_000;

/** What one delivery run achieved. */
export interface DeliveryRun {
  status: NotificationStatus;
  /** Recipients deferred by a transient failure, with the reason: the job should be retried. */
  deferred: Array<{ recipient: string; error: string }>;
}

/** Called once a notification reached a final state (the incident dispatcher updates the incident). */
export type SettledHook = (record: NotificationRecord, status: NotificationStatus) => Promise<void>;

const errorText = (err: unknown): string => {
  const e = err as { response?: unknown; message?: unknown };
  const text =
    typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : String(err);
  return text.slice(0, 500);
};

/**
 * Delivers a stored notification, one message per recipient, through the ledger: claim the row,
 * render, send, record the outcome. A row already `sent` (or `failed`) is never sent again, so a
 * retried or re-run job only does what is left. Transient failures leave rows `deferred` for the
 * job's next attempt; on the last attempt they become `failed`.
 */
export class MailDeliveryService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly ledger: MailDeliveryRepository,
    private readonly service: NotificationService,
    private readonly composer: NotificationComposer,
    private readonly transport: MailTransport,
    private readonly from: Mailbox,
    private readonly logger: Logger,
    private readonly onSettled: SettledHook = () => Promise.resolve(),
  ) {}

  /** @throws MissingSubjectError when the notification does not exist (never retry). */
  async deliver(notificationId: string, options: { finalAttempt: boolean }): Promise<DeliveryRun> {
    const record = await this.notifications.findById(notificationId);
    if (!record) throw new MissingSubjectError(`notification ${notificationId} not found`);
    const rows = this.service.ledgerRows(record);
    await this.ledger.ensure(rows); // a crash between storing the notification and its rows lost nothing
    let context: Record<string, unknown> | Error;
    try {
      context = await this.composer.context(record);
    } catch (err) {
      if (!(err instanceof MissingSubjectError)) throw err;
      context = err;
    }
    const deferred: DeliveryRun['deferred'] = [];
    await Promise.all(
      rows.map(async (row) => {
        const recipient = record.recipients.find((r) => r.address === row.recipient);
        if (!recipient) return;
        const error = await this.attempt(record, recipient, row.key, context, options.finalAttempt);
        if (error !== null) deferred.push({ recipient: recipient.address, error });
      }),
    );
    const status = summarise(await this.ledger.listByKeys(rows.map((r) => r.key)));
    const changed = await this.notifications.setStatus(
      record.id,
      status,
      this.draft(record, `notification.${status}`, {}),
    );
    if (changed && status !== 'deferred' && status !== 'queued') await this.onSettled(record, status);
    return { status, deferred };
  }

  /** One recipient: returns the transient error text when the row was deferred, else null. */
  private async attempt(
    record: NotificationRecord,
    recipient: NotificationRecipient,
    key: string,
    context: Record<string, unknown> | Error,
    finalAttempt: boolean,
  ): Promise<string | null> {
    const base = { recipient: recipient.address, ledgerKey: key };
    const claimed = await this.ledger.claim(
      key,
      record.id,
      LEASE_MS,
      this.draft(record, 'mail.attempt', base),
    );
    if (!claimed) return null; // sent, failed, or another sender holds it
    const data = { ...base, attempt: claimed.attempts, messageId: claimed.messageId };
    const finish = (outcome: AttemptOutcome): Promise<boolean> =>
      this.ledger.finish(
        key,
        claimed.attempts,
        outcome,
        this.draft(record, `mail.${outcome.status}`, { ...data, ...outcome }),
      );
    if (context instanceof Error) {
      await finish({ status: 'failed', lastError: context.message });
      return null;
    }
    let mail;
    try {
      mail = this.composer.render(record, context, recipient);
    } catch (err) {
      await finish({ status: 'failed', lastError: `cannot render: ${errorText(err)}` });
      return null;
    }
    try {
      const result = await this.transport.send({
        from: this.from,
        to: [{ address: recipient.address, name: recipient.name }],
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: claimed.messageId,
      });
      await finish({ status: 'sent', response: result.response ?? null });
      return null;
    } catch (err) {
      return this.failed(err, claimed, finalAttempt, finish);
    }
  }

  private async failed(
    err: unknown,
    row: MailDelivery,
    finalAttempt: boolean,
    finish: (outcome: AttemptOutcome) => Promise<boolean>,
  ): Promise<string | null> {
    const reason = errorText(err);
    if (classifySmtpError(err) === 'permanent') {
      await finish({ status: 'failed', lastError: reason });
      return null;
    }
    if (finalAttempt) {
      await finish({ status: 'failed', lastError: `gave up after ${row.attempts} attempts: ${reason}` });
      return null;
    }
    this.logger.info({ recipient: row.recipient, attempt: row.attempts, reason }, 'mail deferred');
    await finish({ status: 'deferred', lastError: reason });
    return reason;
  }

  private draft(record: NotificationRecord, action: string, data: Record<string, unknown>): AuditDraft {
    return auditDraft(
      actor,
      action,
      { type: 'notification', id: record.id, ref: record.kind },
      {
        data: { ...data, incidentId: record.incidentId, advisoryId: record.advisoryId },
      },
    );
  }
}

/** The notification's state from its rows. */
export function summarise(rows: readonly Pick<MailDelivery, 'status' | 'attempts'>[]): NotificationStatus {
  if (rows.some((r) => r.status !== 'sent' && r.status !== 'failed')) {
    return rows.some((r) => r.attempts > 0) ? 'deferred' : 'queued';
  }
  const failed = rows.filter((r) => r.status === 'failed').length;
  if (failed === 0) return 'sent';
  return failed === rows.length ? 'failed' : 'partially_failed';
}
