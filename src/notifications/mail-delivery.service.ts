import pLimit from 'p-limit';
import { auditDraft, type AuditDraft } from '../audit/index.js';
import { systemActor } from '../auth/index.js';
import {
  SendWindowClosedError,
  classifySmtpError,
  type Mailbox,
  type MailTransport,
  type SendResult,
} from '../mail/index.js';
import type { Logger } from '../platform/index.js';
import { DEFAULT_LEASE_TIMING, recordWithinLease, type LeaseTiming } from './delivery-lease.js';
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

/** Rows of one notification attempted at once: claims are taken just before they can be sent. */
const ATTEMPTS_AT_ONCE = 5;

/** What one delivery run achieved. */
export interface DeliveryRun {
  status: NotificationStatus;
  /** Recipients deferred by a transient failure, with the reason: the job should be retried. */
  deferred: Array<{ recipient: string; error: string }>;
  /**
   * Set when a row is held by another sender's live claim (or this run's claim lapsed before it could
   * send): run again after this instant, without counting it as a failed attempt.
   */
  busyUntil: Date | null;
}

/** How one recipient's attempt ended. */
type AttemptResult =
  { kind: 'done' } | { kind: 'deferred'; recipient: string; error: string } | { kind: 'busy'; until: Date };

const DONE: AttemptResult = { kind: 'done' };

const errorText = (err: unknown): string => {
  const e = err as { response?: unknown; message?: unknown };
  const text =
    typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : String(err);
  return text.slice(0, 500);
};

/**
 * Delivers a stored notification, one message per recipient, through the ledger: claim the row under a
 * lease, render, send while the lease has margin left, record the outcome. A row already `sent` (or
 * `failed`) is never sent again, so a retried or re-run job only does what is left; a row another run
 * holds is left alone until its lease ends. Transient failures leave rows `deferred` for the job's next
 * attempt; on the last attempt they become `failed`.
 * What that guarantees, and what not, is said in `delivery-lease.ts`.
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
    private readonly timing: LeaseTiming = DEFAULT_LEASE_TIMING,
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
    const limit = pLimit(ATTEMPTS_AT_ONCE);
    const results = await Promise.allSettled(
      rows.map((row) =>
        limit(async () => {
          const recipient = record.recipients.find((r) => r.address === row.recipient);
          if (!recipient) return DONE;
          return this.attempt(record, recipient, row.key, context, options.finalAttempt);
        }),
      ),
    );
    const deferred: DeliveryRun['deferred'] = [];
    let busyUntil: Date | null = null;
    for (const result of results) {
      // Every attempt has ended, and recorded what it could, before the job fails on one of them.
      if (result.status === 'rejected') throw result.reason;
      const value = result.value;
      if (value.kind === 'deferred') deferred.push({ recipient: value.recipient, error: value.error });
      if (value.kind === 'busy' && (busyUntil === null || value.until > busyUntil)) busyUntil = value.until;
    }
    const status = summarise(await this.ledger.listByKeys(rows.map((r) => r.key)));
    await this.notifications.setStatus(record.id, status, this.draft(record, `notification.${status}`, {}));
    return { status, deferred, busyUntil };
  }

  /** One recipient: claim, render, send within the lease, record. */
  private async attempt(
    record: NotificationRecord,
    recipient: NotificationRecipient,
    key: string,
    context: Record<string, unknown> | Error,
    finalAttempt: boolean,
  ): Promise<AttemptResult> {
    const base = { recipient: recipient.address, ledgerKey: key };
    const claimed = await this.ledger.claim(
      key,
      record.id,
      this.timing.leaseMs,
      this.draft(record, 'mail.attempt', base),
    );
    if (!claimed) return this.notClaimed(key);
    const leaseUntil = claimed.leaseUntil;
    if (leaseUntil === null) throw new Error(`ledger row ${key} claimed without a lease`);
    const data = { ...base, attempt: claimed.attempts, messageId: claimed.messageId };
    const finish = (outcome: AttemptOutcome): Promise<boolean> =>
      recordWithinLease(
        this.ledger,
        this.logger,
        { row: claimed, leaseUntil },
        outcome,
        this.draft(record, `mail.${outcome.status}`, { ...data, ...outcome }),
      );
    if (context instanceof Error) {
      await finish({ status: 'failed', lastError: context.message });
      return DONE;
    }
    let mail;
    try {
      mail = this.composer.render(record, context, recipient);
    } catch (err) {
      await finish({ status: 'failed', lastError: `cannot render: ${errorText(err)}` });
      return DONE;
    }
    let result: SendResult;
    try {
      result = await this.transport.send({
        from: this.from,
        to: [{ address: recipient.address, name: recipient.name }],
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: claimed.messageId,
        notAfter: new Date(leaseUntil.getTime() - this.timing.sendMarginMs),
      });
    } catch (err) {
      if (err instanceof SendWindowClosedError) {
        // Paused or queued too long since the claim: nothing went out, and the row may be someone
        // else's by now. Give it back if it is still ours (the write is conditional) and run again soon.
        this.logger.warn({ recipient: recipient.address, attempt: claimed.attempts }, err.message);
        await finish({ status: 'deferred', lastError: err.message });
        return { kind: 'busy', until: new Date() };
      }
      return this.failed(err, claimed, finalAttempt, finish);
    }
    // Sent: from here on only the ledger write is left, and a failure of it must not look like a
    // failed send (a retry would send again).
    const recorded = await finish({ status: 'sent', response: result.response ?? null });
    if (!recorded) {
      this.logger.warn(
        { recipient: recipient.address, attempt: claimed.attempts },
        'mail sent, but the row was claimed again before the outcome was recorded; a copy may follow',
      );
    }
    return DONE;
  }

  /** The row was not claimable: finished already, or held by a live claim until its lease ends. */
  private async notClaimed(key: string): Promise<AttemptResult> {
    const row = await this.ledger.find(key);
    if (!row || row.status === 'sent' || row.status === 'failed') return DONE;
    // Held (a paused or still-running sender, or one that died and whose lease has yet to run out),
    // or it just changed hands: look again when that lease ends.
    const until = row.status === 'sending' && row.leaseUntil !== null ? row.leaseUntil : new Date();
    return { kind: 'busy', until };
  }

  private async failed(
    err: unknown,
    row: MailDelivery,
    finalAttempt: boolean,
    finish: (outcome: AttemptOutcome) => Promise<boolean>,
  ): Promise<AttemptResult> {
    const reason = errorText(err);
    if (classifySmtpError(err) === 'permanent') {
      await finish({ status: 'failed', lastError: reason });
      return DONE;
    }
    if (finalAttempt) {
      await finish({ status: 'failed', lastError: `gave up after ${row.attempts} attempts: ${reason}` });
      return DONE;
    }
    this.logger.info({ recipient: row.recipient, attempt: row.attempts, reason }, 'mail deferred');
    await finish({ status: 'deferred', lastError: reason });
    return { kind: 'deferred', recipient: row.recipient, error: reason };
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
