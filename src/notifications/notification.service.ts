import { randomUUID } from 'node:crypto';
import { auditDraft, type AuditDraft } from '../audit/index.js';
import type { Actor } from '../auth/index.js';
import { messageIdFor, type TemplateName } from '../mail/index.js';
import { AppError, type Logger, ValidationError } from '../platform/index.js';
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

/** A request that could not be made, as its requester named it (its template may not exist). */
export type FailedRequest = Omit<NotificationRequest, 'template' | 'key'> & { template: string; key: string };

/** One of `requestMany`'s requests: to make, or refused already by its requester. */
export type ManyRequest =
  { input: NotificationRequest & { key: string } } | { refused: FailedRequest; reason: string };

/** A record to store and its audit event (given the id the store assigns). */
type NewRecord = [Omit<NotificationRecord, 'id'>, (id: string) => AuditDraft];

/**
 * The `failed` record of a request that could not be made: no recipients, the reason, and its
 * `notification.failed` event: what was asked for is on record and on the trail, and nothing is queued.
 */
function failedRecord(actor: Actor, input: FailedRequest, reason: string): NewRecord {
  const now = new Date();
  return [
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
  ];
}

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
    const { record, created } = await this.repository.insert(...(await this.newRecord(actor, input, key)));
    if (created) await this.ledger.ensure(this.ledgerRows(record));
    await this.enqueue(record.id);
    return record;
  }

  /**
   * Several keyed requests at once (the notifications a triage decision owes), each as `request`
   * would store it, in one insert (and the new ones' ledger rows in one more), with no read first:
   * a key stored already is refused by the insert and answered as stored (re-queued while open), so
   * the usual first run costs no lookup. A request that cannot be made (routes that reach nobody, or
   * `refused` by the caller: an unknown template) is stored as failed, with its reason, in its place;
   * the others go ahead.
   */
  async requestMany(
    actor: Actor,
    requests: readonly ManyRequest[],
  ): Promise<Array<{ record: NotificationRecord; failed: string | null }>> {
    // One entry per request, in order: to store as requested, or as failed with its reason.
    const planned: Array<{ failed: string | null; byRequester: boolean; entry: NewRecord }> = [];
    for (const request of requests) {
      if ('refused' in request) {
        const entry = failedRecord(actor, request.refused, request.reason);
        planned.push({ failed: request.reason, byRequester: true, entry });
        continue;
      }
      const { input } = request;
      try {
        planned.push({
          failed: null,
          byRequester: false,
          entry: await this.newRecord(actor, input, input.key),
        });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        planned.push({
          failed: err.message,
          byRequester: false,
          entry: failedRecord(actor, input, err.message),
        });
      }
    }
    const inserted = await this.repository.insertMany(
      planned.map(({ entry: [record, draft] }) => ({ record, draft })),
    );
    await this.ledger.ensure(
      inserted
        .filter((entry, i) => entry.created && planned[i].failed === null)
        .flatMap((entry) => this.ledgerRows(entry.record)),
    );
    const answers: Array<{ record: NotificationRecord; failed: string | null }> = [];
    for (const [i, { record, created }] of inserted.entries()) {
      // One stored already (a repeat of the job) stands as it is: still open, its job may be lost,
      // and adding it again under its id is harmless; settled, it is done. It counts as requested,
      // unless the requester refused it (its template is still unknown).
      const { failed, byRequester } = planned[i];
      answers.push({ record, failed: created || byRequester ? failed : null });
      if (record.status === 'queued' || record.status === 'deferred') await this.enqueue(record.id);
    }
    return answers;
  }

  /** The record a new request stores, with its `notification.requested` event; 422 when it reaches nobody. */
  private async newRecord(actor: Actor, input: NotificationRequest, key: string): Promise<NewRecord> {
    const recipients = await this.recipientsOf(input);
    const now = new Date();
    return [
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
    ];
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
    const { recipients, unresolved } = await this.lists.resolve(routes, { bureauId, recent: true });
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
