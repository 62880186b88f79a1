import { ALL_SCOPE, systemActor } from '../auth/index.js';
import type { Incident, IncidentNotification } from '../incidents/index.js';
import type { TriageDecisionRecord } from '../triage/index.js';
import { TEMPLATE_SCHEMAS, type TemplateName } from '../mail/index.js';
import { type Logger, AppError, ValidationError } from '../platform/index.js';
import type { NotificationRepository } from './notification.repository.js';
import type { ManyRequest, NotificationService } from './notification.service.js';
import type { NotificationStatus } from './notification.types.js';

/** Incident reads as the dispatcher needs them (the incidents repository fits). */
export interface IncidentReader {
  findById(scope: typeof ALL_SCOPE, id: string): Promise<Incident | null>;
}

/** Triage decision records by id (triage's `DecisionRecords.byIds`): the notifications owed are there. */
export type DecisionRecordReader = (ids: readonly string[]) => Promise<Map<string, TriageDecisionRecord>>;

/** A notification spec's status as the incident API has always shown it. */
export type IncidentNotificationStatus = IncidentNotification['status'];

/** The notification specs of one incident whose statuses are asked for. */
export interface IncidentSpecs {
  incidentId: string;
  keys: readonly string[];
}

/** What one dispatch did with each spec of the incident, by spec key. */
export type DispatchRun = Map<string, 'requested' | 'failed' | 'skipped'>;

const actor = systemActor('notifications');

/** The notification key of spec `key` on incident `incidentId`: its idempotency key, and so its id. */
export const incidentNotificationKey = (incidentId: string, key: string): string =>
  `incident:${incidentId}:${key}`;

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

/*
 * Outcomes the previous version wrote onto the incident before the notifications owned their status.
 * Such a spec was settled then (a failed one never got a notification record): requesting it again on
 * a later re-triage would mail a party long after the fact.
 */
const SETTLED_ON_INCIDENT: ReadonlySet<string> = new Set(['failed', 'cancelled']);

/**
 * The notifications a triage decision stores on an incident (its specs), turned into stored, queued
 * notifications by the `dispatch` job, and their statuses read back from the notifications collection.
 * Nothing is written onto the incident: a notification's status is the notification's own, and a mail
 * going out never moves the revision a responder holds.
 */
export class IncidentNotificationDispatcher {
  constructor(
    private readonly incidents: IncidentReader,
    private readonly decisions: DecisionRecordReader,
    private readonly notifications: NotificationService,
    private readonly records: NotificationRepository,
    private readonly logger: Logger,
  ) {}

  /**
   * The decision whose owed notifications a dispatch requests: the one its job names (one read of its
   * record), else the one in force on the incident (a job a version before recorded names none).
   * Null when the incident does not exist; no owed notifications when it has no decision yet.
   */
  private async owedBy(
    incidentId: string,
    decisionId: string | undefined,
  ): Promise<{ bureauId: string; owed: IncidentNotification[] } | null> {
    if (decisionId !== undefined) {
      const record = (await this.decisions([decisionId])).get(decisionId);
      if (record?.incidentId === incidentId) return record;
    }
    const incident = await this.incidents.findById(ALL_SCOPE, incidentId);
    if (!incident) return null;
    const inForce = incident.triage?.decisionId;
    const record = inForce ? (await this.decisions([inForce])).get(inForce) : undefined;
    return { bureauId: incident.bureauId, owed: record?.owed ?? [] };
  }

  /**
   * Requests each notification the decision owes once (idempotent by key: one stored already is
   * only queued again if still open, so running twice does nothing new). A spec that cannot be
   * requested (an unknown template, routes that reach nobody) is stored as a failed notification with
   * the reason and its audit event: the incident shows it failed, and the trail says why.
   * @returns null when the incident does not exist.
   */
  async dispatch(incidentId: string, decisionId?: string): Promise<DispatchRun | null> {
    const owedBy = await this.owedBy(incidentId, decisionId);
    if (!owedBy) return null;
    const { bureauId, owed } = owedBy;
    const incident = { id: incidentId, bureauId };
    const run: DispatchRun = new Map();
    // Every spec still owed, requested together: the new notifications are stored in one insert.
    const asked: Array<{ spec: IncidentNotification; request: ManyRequest }> = [];
    for (const spec of owed) {
      if (SETTLED_ON_INCIDENT.has(spec.status)) {
        run.set(spec.key, 'skipped');
        continue;
      }
      const request = {
        kind: `incident.${spec.key}`,
        incidentId: incident.id,
        bureauId: incident.bureauId,
        routes: [spec.to],
        key: incidentNotificationKey(incident.id, spec.key),
        // The route's label (AMBER for those stored before routes had one) and the clock it concerns.
        data: { tlp: spec.tlp ?? 'AMBER', deadlineClock: spec.clock },
      };
      try {
        const template = templateFor(spec.template);
        asked.push({
          spec,
          request: { input: { ...request, template } },
        });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        asked.push({
          spec,
          request: { refused: { ...request, template: spec.template }, reason: err.message },
        });
      }
    }
    const answers = await this.notifications.requestMany(
      actor,
      asked.map(({ request }) => request),
    );
    for (const [i, { spec }] of asked.entries()) {
      const { failed } = answers[i];
      if (failed !== null) {
        this.logger.warn(
          { incidentId: incident.id, notification: spec.key, reason: failed },
          'incident notification cannot be requested; stored as failed',
        );
      }
      run.set(spec.key, failed === null ? 'requested' : 'failed');
    }
    return run;
  }

  /**
   * The status of each named notification spec of each incident, as the incident API shows it:
   * `pending` until its notification is sent or has failed. One read by `_id` for all of them (the ids
   * are derived from the keys, so a page of incidents is one query and never a scan); a spec with no
   * notification yet is left out, and the caller keeps the status stored with the spec.
   */
  async statuses(
    specs: readonly IncidentSpecs[],
  ): Promise<Map<string, Map<string, IncidentNotificationStatus>>> {
    const specOf = new Map<string, { incidentId: string; key: string }>();
    for (const { incidentId, keys } of specs)
      for (const key of keys) specOf.set(incidentNotificationKey(incidentId, key), { incidentId, key });
    const statuses = new Map<string, Map<string, IncidentNotificationStatus>>();
    if (specOf.size === 0) return statuses;
    for (const [notificationKey, status] of await this.records.statusesByKey([...specOf.keys()])) {
      const spec = specOf.get(notificationKey);
      if (!spec) continue;
      const ofIncident = statuses.get(spec.incidentId) ?? new Map<string, IncidentNotificationStatus>();
      ofIncident.set(spec.key, specStatus(status));
      statuses.set(spec.incidentId, ofIncident);
    }
    return statuses;
  }
}

/** What a notification's status means for the incident's spec: pending while it is being delivered. */
export function specStatus(status: NotificationStatus): IncidentNotificationStatus {
  if (status === 'sent') return 'sent';
  return status === 'failed' || status === 'partially_failed' ? 'failed' : 'pending';
}
