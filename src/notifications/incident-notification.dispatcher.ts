import { auditDraft, type AuditDraft } from '../audit/index.js';
import { ALL_SCOPE, systemActor } from '../auth/index.js';
import type { Incident, IncidentNotification } from '../incidents/index.js';
import { TEMPLATE_SCHEMAS, type TemplateName } from '../mail/index.js';
import { Periodic, pauseAfter, type Logger, AppError, ValidationError } from '../platform/index.js';
import type { IncidentNotificationRepository, PendingIncident } from './incident-notification.repository.js';
import type { NotificationRepository } from './notification.repository.js';
import type { NotificationService } from './notification.service.js';
import type { NotificationRecord, NotificationStatus } from './notification.types.js';

/** Incident reads and writes as the dispatcher needs them (the incidents repository fits). */
export interface IncidentStore {
  findById(scope: typeof ALL_SCOPE, id: string): Promise<Incident | null>;
  recordNotificationOutcomes(
    current: Pick<Incident, 'id' | 'notificationsVersion'>,
    notifications: IncidentNotification[],
    audit: AuditDraft[],
  ): Promise<Incident | null>;
}

export interface DispatcherOptions {
  /** Pause between passes; default 2 s. */
  intervalMs?: number;
  /** Open notifications untouched this long are queued again (lost job); default 60 s. */
  requeueAfterMs?: number;
  /**
   * Whether this process sweeps all incidents (default true). One that only serves requests dispatches
   * what it wrote and leaves the sweeps, which scan every incident on FerretDB, to worker processes.
   */
  sweeps?: boolean;
}

const actor = systemActor('notifications');
const KEY_PREFIX = 'incident:';
/** Full sweeps may take this share of the time at most: they scan every incident on FerretDB v1. */
const SWEEP_DUTY_CYCLE = 0.05;

/*
 * Policy templates name the mail template, except the acknowledgement's older policy name. A name the
 * mail module does not know fails the notification: falling back to the CERT's triage mail would send
 * queues, the policy version and the CERT's clocks to a party outside it.
 */
const POLICY_TEMPLATES: Partial<Record<string, TemplateName>> = {
  'incident-acknowledgement': 'acknowledgement',
};
const isTemplateName = (name: string): name is TemplateName => Object.hasOwn(TEMPLATE_SCHEMAS, name);
function templateFor(name: string): TemplateName {
  const known = POLICY_TEMPLATES[name] ?? (isTemplateName(name) ? name : undefined);
  if (known === undefined) {
    const message = `the policy names mail template "${name}", which does not exist`;
    throw new ValidationError([{ path: 'template', message }], message);
  }
  return known;
}

/**
 * Background loop: turns the `pending` notifications that triage stores on incidents into stored,
 * queued notifications (idempotent by key `incident:<id>:<notification key>`), writes the outcome back
 * onto the incident once delivered, and re-queues open notifications whose job was lost.
 *
 * Incidents written in this process are `kick`ed and looked at by id at once; a sweep over all
 * incidents finds the rest (other processes, crashes) and runs only as often as its cost allows.
 */
export class IncidentNotificationDispatcher {
  readonly name = 'incident-notifications';
  private readonly loop: Periodic;
  /** Incidents written in this process since the last pass, as written (the latest write of each). */
  private readonly hinted = new Map<string, Incident>();
  private lastSweep = 0;
  private sweepCost = 0;

  constructor(
    private readonly pending: IncidentNotificationRepository,
    private readonly incidents: IncidentStore,
    private readonly notifications: NotificationService,
    private readonly records: NotificationRepository,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions = {},
  ) {
    this.loop = new Periodic(this.name, options.intervalMs ?? 2000, () => this.tick(), logger, {
      dutyCycle: 1, // the sweep keeps its own budget; hint passes are point lookups
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** An incident was written (as given): dispatch its pending notifications soon. */
  kick(incident: Incident): void {
    if (!incident.notifications.some((n) => n.status === 'pending')) return;
    const known = this.hinted.get(incident.id);
    if (!known || known.revision < incident.revision) this.hinted.set(incident.id, incident);
    this.loop.wake();
  }

  private async tick(): Promise<void> {
    const written = [...this.hinted.values()];
    this.hinted.clear();
    for (const incident of written) await this.dispatch(incident);
    if (this.options.sweeps === false) return;
    const pause = pauseAfter(this.sweepCost, this.options.intervalMs ?? 2000, SWEEP_DUTY_CYCLE);
    if (Date.now() - this.lastSweep < pause) return;
    const started = Date.now();
    await this.passNow();
    this.lastSweep = Date.now();
    this.sweepCost = this.lastSweep - started;
  }

  /** One full pass now (tests): dispatch pending incident notifications, re-queue stale open ones. */
  async passNow(): Promise<void> {
    for (const incident of await this.pending.findPending(100)) await this.dispatch(incident);
    const stale = new Date(Date.now() - (this.options.requeueAfterMs ?? 60_000));
    for (const open of await this.records.findOpen(stale, 100)) {
      await this.records.touch(open.id);
      await this.notifications.enqueue(open.id);
    }
  }

  /**
   * Requests each pending notification once; those that cannot be requested are marked failed, and
   * those already delivered get their outcome, together. The outcome normally arrives through the
   * settled hook; when that write was lost (a crash between the delivery and it, or a store away),
   * the notification is settled but the incident still says pending, and only this repairs it.
   */
  private async dispatch(incident: PendingIncident | Incident): Promise<void> {
    const outcomes: Outcome[] = [];
    for (const n of incident.notifications.filter((x) => x.status === 'pending')) {
      // Idempotent by key: one already stored is only queued again (a no-op for a known job id).
      const key = `${KEY_PREFIX}${incident.id}:${n.key}`;
      try {
        const record = await this.notifications.request(actor, {
          kind: `incident.${n.key}`,
          template: templateFor(n.template),
          incidentId: incident.id,
          bureauId: incident.bureauId,
          routes: [n.to],
          key,
          // The route's label (AMBER for those stored before routes had one) and the clock it concerns.
          data: { tlp: n.tlp ?? 'AMBER', deadlineClock: n.clock },
        });
        const settled = settledOutcome(record.status);
        if (settled) outcomes.push({ key: n.key, status: settled, detail: record.status });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        outcomes.push({ key: n.key, status: 'failed', detail: err.message });
      }
    }
    if (outcomes.length > 0) await this.mark(incident.id, outcomes, 'revision' in incident ? incident : null);
  }

  /** Settled hook for the delivery service: writes the outcome onto the incident it came from. */
  readonly settled = async (record: NotificationRecord, status: NotificationStatus): Promise<void> => {
    if (!record.key.startsWith(KEY_PREFIX) || record.incidentId === null) return;
    const notificationKey = record.key.slice(KEY_PREFIX.length + record.incidentId.length + 1);
    const outcome = settledOutcome(status);
    if (!outcome) return;
    await this.mark(record.incidentId, [{ key: notificationKey, status: outcome, detail: status }], null);
  };

  /**
   * Writes notification outcomes onto the incident, one audited change for all of them. `known` is the
   * incident as last written, if at hand: the first attempt needs no read.
   */
  private async mark(incidentId: string, outcomes: Outcome[], known: Incident | null): Promise<void> {
    let incident = known;
    for (let attempt = 0; attempt < 5; attempt++) {
      incident ??= await this.incidents.findById(ALL_SCOPE, incidentId);
      if (!incident) return;
      const current = incident;
      const changed = outcomes.filter((o) =>
        current.notifications.some((n) => n.key === o.key && n.status !== o.status),
      );
      if (changed.length === 0) return;
      const statusOf = new Map(changed.map((o) => [o.key, o.status]));
      const subject = { type: 'incident', id: current.id, ref: current.ref } as const;
      const audit = changed.map((o) =>
        auditDraft(actor, `incident.notification_${o.status}`, subject, {
          bureauId: current.bureauId,
          changes: [
            {
              field: `notifications.${o.key}.status`,
              before: current.notifications.find((n) => n.key === o.key)?.status ?? null,
              after: o.status,
            },
          ],
          data: { detail: o.detail },
        }),
      );
      const notifications = current.notifications.map((n) => {
        const status = statusOf.get(n.key);
        return status ? { ...n, status } : n;
      });
      // Against the notifications' own counter: the revision (a responder's ETag) stays.
      const done = await this.incidents.recordNotificationOutcomes(current, notifications, audit);
      if (done) return;
      incident = null; // changed meanwhile: read it again
    }
    this.logger.warn({ incidentId, outcomes }, 'could not record notification outcomes on the incident');
  }
}

/** What a notification's status means for the incident: null while it is still being delivered. */
function settledOutcome(status: NotificationStatus): Outcome['status'] | null {
  if (status === 'sent') return 'sent';
  return status === 'failed' || status === 'partially_failed' ? 'failed' : null;
}

/** How one notification of an incident ended. */
interface Outcome {
  key: string;
  status: 'sent' | 'failed';
  detail: string;
}
