import { randomUUID } from 'node:crypto';
import { auditDraft } from '../audit/index.js';
import type { Actor } from '../auth/index.js';
import { messageIdFor, type TemplateName } from '../mail/index.js';
import { type Logger, ValidationError } from '../platform/index.js';
import type { QueueRegistry } from '../platform/queue/index.js';
import type { MailDeliveryRepository } from './mail-delivery.repository.js';
import type { NotificationRepository } from './notification.repository.js';
import type { NotificationRecipient, NotificationRecord, NotificationRequest } from './notification.types.js';
import type { RecipientListService } from './recipient-list.service.js';

/** The bureau of an incident, to resolve `reporting-bureau` (the incidents module fits). */
export interface IncidentBureauLookup {
  bureauOf(incidentId: string): Promise<string | null>;
}

/** Ledger key of one message: kind, subject, recipient, revision. */
export const ledgerKey = (kind: string, subjectId: string, recipient: string, revision: number): string =>
  `${kind}|${subjectId}|${recipient.toLowerCase()}|r${revision}`;

/**
 * Notifications as other modules ask for them: resolved to recipients, stored with their audit event,
 * given one ledger row per recipient (status `queued`), and queued for the `notifications` worker.
 */
export class NotificationService {
  constructor(
    private readonly repository: NotificationRepository,
    private readonly ledger: MailDeliveryRepository,
    private readonly lists: RecipientListService,
    private readonly incidents: IncidentBureauLookup,
    private readonly queues: QueueRegistry,
    private readonly logger: Logger,
    private readonly mailDomain: string,
  ) {}

  /**
   * Stores and queues a notification. With `key`, the request is idempotent: the same key returns the
   * first notification (and re-queues it, harmlessly). Routes that resolve to nobody are skipped and
   * logged; a request that reaches nobody at all is a 422.
   */
  async request(
    actor: Actor,
    input: NotificationRequest,
    /** What is stored under `input.key`, when the caller has read it already (null: nothing). */
    stored?: { known: NotificationRecord | null },
  ): Promise<NotificationRecord> {
    const key = input.key ?? randomUUID();
    const known = stored
      ? stored.known
      : input.key === undefined
        ? null
        : await this.repository.findByKey(key);
    if (known) {
      // Still open: its job may be lost, and adding it again under its id is harmless. Settled: done.
      if (known.status === 'queued' || known.status === 'deferred') await this.enqueue(known.id);
      return known;
    }
    const recipients = await this.recipientsOf(input);
    const now = new Date();
    const { record, created } = await this.repository.insert(
      {
        kind: input.kind,
        template: input.template,
        incidentId: input.incidentId ?? null,
        advisoryId: input.advisoryId ?? null,
        recipients,
        dataRef: {
          incident: input.loadIncident ?? input.incidentId !== undefined,
          data: input.data ?? {},
          revision: input.revision ?? 0,
        },
        status: 'queued',
        key,
        createdAt: now,
        updatedAt: now,
      },
      (id) =>
        auditDraft(
          actor,
          'notification.requested',
          { type: 'notification', id, ref: input.kind },
          {
            data: {
              template: input.template,
              incidentId: input.incidentId ?? null,
              advisoryId: input.advisoryId ?? null,
              recipients: recipients.map((r) => r.address),
              routes: input.routes ?? [],
            },
          },
        ),
    );
    if (created) await this.ledger.ensure(this.ledgerRows(record));
    await this.enqueue(record.id);
    return record;
  }

  /**
   * Stores a notification that could not be requested (an unknown template, routes that reach
   * nobody) as `failed`, with no recipients, the reason, and its `notification.failed` audit event:
   * what was asked for is on record and on the trail, and nothing is queued. Idempotent by `key`.
   */
  async recordFailed(
    actor: Actor,
    input: Omit<NotificationRequest, 'template' | 'key'> & { template: string; key: string },
    reason: string,
  ): Promise<NotificationRecord> {
    const now = new Date();
    const { record } = await this.repository.insert(
      {
        kind: input.kind,
        // As the requester named it: the reason may be that no such template exists.
        template: input.template as TemplateName,
        incidentId: input.incidentId ?? null,
        advisoryId: input.advisoryId ?? null,
        recipients: [],
        dataRef: { incident: input.incidentId !== undefined, data: input.data ?? {}, revision: 0 },
        status: 'failed',
        key: input.key,
        createdAt: now,
        updatedAt: now,
      },
      (id) =>
        auditDraft(
          actor,
          'notification.failed',
          { type: 'notification', id, ref: input.kind },
          {
            data: {
              reason,
              template: input.template,
              incidentId: input.incidentId ?? null,
              advisoryId: input.advisoryId ?? null,
              routes: input.routes ?? [],
            },
          },
        ),
    );
    return record;
  }

  /** The stored notification, or null. */
  find(id: string): Promise<NotificationRecord | null> {
    return this.repository.findById(id);
  }

  /** The ledger rows a notification owns (used again by the worker if a crash lost them). */
  ledgerRows(record: NotificationRecord) {
    const subjectId = record.advisoryId ?? record.id;
    return record.recipients.map((r) => {
      const key = ledgerKey(record.kind, subjectId, r.address, record.dataRef.revision);
      return {
        key,
        kind: record.kind,
        subjectId,
        revision: record.dataRef.revision,
        recipient: r.address,
        recipientName: r.name,
        notificationId: record.id,
        messageId: messageIdFor(key, this.mailDomain),
      };
    });
  }

  /** Adds the delivery job; when Redis is down the reconciler queues it later (the record is stored). */
  async enqueue(notificationId: string): Promise<void> {
    try {
      await this.queues.add('notifications', { notificationId }, { jobId: notificationId });
    } catch (err) {
      this.logger.warn(
        { err, notificationId },
        'notification stored but not queued; the reconciler will queue it',
      );
    }
  }

  private async recipientsOf(input: NotificationRequest): Promise<NotificationRecipient[]> {
    const named = input.recipients ?? [];
    const routes = input.routes ?? [];
    const bureauId =
      input.bureauId ?? (input.incidentId ? await this.incidents.bureauOf(input.incidentId) : null);
    const { recipients, unresolved } = await this.lists.resolve(routes, { bureauId });
    if (unresolved.length > 0)
      this.logger.warn({ kind: input.kind, unresolved }, 'notification routes unresolved');
    const all = new Map<string, NotificationRecipient>();
    for (const r of [...named, ...recipients]) if (!all.has(r.address)) all.set(r.address, r);
    if (all.size === 0) {
      const problems = unresolved.map((u) => ({ path: `routes.${u.route}`, message: u.reason }));
      throw new ValidationError(
        problems.length > 0 ? problems : [{ path: 'recipients', message: 'no recipients' }],
      );
    }
    return [...all.values()];
  }
}
