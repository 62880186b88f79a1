import { auditDraft } from '../audit/index.js';
import { ALL_SCOPE, systemActor } from '../auth/index.js';
import type { Incident, IncidentChange } from '../incidents/index.js';
import { TEMPLATE_SCHEMAS, type TemplateName } from '../mail/index.js';
import { Periodic, pauseAfter, type Logger } from '../platform/index.js';
import { AppError } from '../platform/errors.js';
import type { IncidentNotificationRepository, PendingIncident } from './incident-notification.repository.js';
import type { NotificationRepository } from './notification.repository.js';
import type { NotificationService } from './notification.service.js';
import type { NotificationRecord, NotificationStatus } from './notification.types.js';

/** Incident reads and writes as the dispatcher needs them (the incidents repository fits). */
export interface IncidentStore {
  findById(scope: typeof ALL_SCOPE, id: string): Promise<Incident | null>;
  applyChange(
    scope: typeof ALL_SCOPE,
    id: string,
    revision: number,
    change: IncidentChange,
  ): Promise<Incident | null>;
}

export interface DispatcherOptions {
  /** Pause between passes; default 2 s. */
  intervalMs?: number;
  /** Open notifications untouched this long are queued again (lost job); default 60 s. */
  requeueAfterMs?: number;
}

const actor = systemActor('notifications');
const KEY_PREFIX = 'incident:';
/** Full sweeps may take this share of the time at most: they scan every incident on FerretDB v1. */
const SWEEP_DUTY_CYCLE = 0.05;

/*
 * Policy templates name the message; our mail templates are fewer. The acknowledgement has its own;
 * reports to GIRO-SO, the Police, the PCPD and directors go out as the triage result (what happened,
 * how severe, why) until they get templates of their own.
 */
const POLICY_TEMPLATES: Record<string, TemplateName> = { 'incident-acknowledgement': 'acknowledgement' };
const templateFor = (name: string): TemplateName =>
  POLICY_TEMPLATES[name] ?? (name in TEMPLATE_SCHEMAS ? (name as TemplateName) : 'triage-result');

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
  private readonly hinted = new Set<string>();
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

  /** An incident was written: look at its notifications soon. */
  kick(incidentId: string): void {
    this.hinted.add(incidentId);
    this.loop.wake();
  }

  private async tick(): Promise<void> {
    const ids = [...this.hinted];
    this.hinted.clear();
    for (const id of ids) {
      const incident = await this.incidents.findById(ALL_SCOPE, id);
      if (incident) await this.dispatch(incident);
    }
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

  private async dispatch(incident: PendingIncident): Promise<void> {
    for (const n of incident.notifications.filter((x) => x.status === 'pending')) {
      const key = `${KEY_PREFIX}${incident.id}:${n.key}`;
      if (await this.records.findByKey(key)) continue;
      try {
        await this.notifications.request(actor, {
          kind: `incident.${n.key}`,
          template: templateFor(n.template),
          incidentId: incident.id,
          routes: [n.to],
          key,
        });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        await this.mark(incident.id, n.key, 'failed', err.message);
      }
    }
  }

  /** Settled hook for the delivery service: writes the outcome onto the incident it came from. */
  readonly settled = async (record: NotificationRecord, status: NotificationStatus): Promise<void> => {
    if (!record.key.startsWith(KEY_PREFIX) || record.incidentId === null) return;
    const notificationKey = record.key.slice(KEY_PREFIX.length + record.incidentId.length + 1);
    await this.mark(record.incidentId, notificationKey, status === 'sent' ? 'sent' : 'failed', status);
  };

  private async mark(
    incidentId: string,
    key: string,
    status: 'sent' | 'failed',
    detail: string,
  ): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const incident = await this.incidents.findById(ALL_SCOPE, incidentId);
      const current = incident?.notifications.find((n) => n.key === key);
      if (!incident || !current || current.status === status) return;
      const notifications = incident.notifications.map((n) => (n.key === key ? { ...n, status } : n));
      const draft = auditDraft(
        actor,
        `incident.notification_${status}`,
        { type: 'incident', id: incident.id, ref: incident.ref },
        {
          bureauId: incident.bureauId,
          changes: [{ field: `notifications.${key}.status`, before: current.status, after: status }],
          data: { detail },
        },
      );
      const done = await this.incidents.applyChange(ALL_SCOPE, incident.id, incident.revision, {
        set: { notifications },
        audit: [draft],
      });
      if (done) return;
    }
    this.logger.warn(
      { incidentId, key, status },
      'could not record the notification outcome on the incident',
    );
  }
}
