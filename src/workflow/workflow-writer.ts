import type { Scope } from '../auth/index.js';
import { clockWriteJobs, type ClockTimer, type NotificationRequests } from '../clocks/index.js';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  type JobIntent,
  type Logger,
} from '../platform/index.js';
import {
  INCIDENT_LIMITS,
  checkDocumentBudget,
  checkListLimit,
  listedOf,
  type Incident,
  type IncidentListIndex,
  type LimitedList,
} from '../incidents/index.js';
import { readDecideWrite, type Decision } from '../platform/db/index.js';
import { etagOf } from '../platform/http/index.js';
import type { DecisionClockLookup } from '../triage/index.js';
import type { QueueIndex } from './queue-index.js';
import type { WorkflowRepository } from './workflow.repository.js';
import type { WorkflowChange, WorkflowIncident } from './workflow.types.js';

/** A change computed from the incident as read, and the timers it leaves the clocks needing. */
export interface PlannedChange {
  change: WorkflowChange;
  /** Set when the change rewrote the clocks: the timers they need, recorded with the write as jobs. */
  timers?: ClockTimer[];
}

/**
 * 409 when a change would push a list of the incident past its limit, or the document past its
 * size budget (obligations and merges are what responders and bureaux add by hand).
 */
function checkGrowth(incident: WorkflowIncident, change: WorkflowChange): void {
  const grows = Object.entries(change.push ?? {}).filter(
    ([field, values]) => values.length > 0 && field in INCIDENT_LIMITS,
  );
  if (grows.length === 0) return;
  for (const [field, values] of grows) {
    const current = (incident as unknown as Record<string, unknown[] | undefined>)[field]?.length ?? 0;
    checkListLimit(incident.ref, field as LimitedList, current, values.length);
  }
  checkDocumentBudget(incident.ref, incident, Object.fromEntries(grows));
}

/** The 412 of a change made on a version that is no longer the incident's. */
const stale = (incident: WorkflowIncident): PreconditionFailedError =>
  new PreconditionFailedError(undefined, { details: { current: etagOf(incident.revision) } });

/** The jobs a planned change causes beside those it names: its clocks' timers, the hand-over of its mails. */
function causedJobs(incident: WorkflowIncident, planned: PlannedChange): JobIntent[] {
  const queued: unknown[] | undefined = planned.change.push?.notificationOutbox;
  return clockWriteJobs(
    incident.id,
    incident,
    planned.timers ?? [],
    queued !== undefined && queued.length > 0,
  );
}

/** How often a write is recomputed when only the clocks moved under it (the responder's version held). */
const ATTEMPTS = 8;

/**
 * Runs responder changes: read, check the version the caller saw, compute, write conditionally.
 * A write that loses to a clock update (same `revision`, newer `clockSeq`) is recomputed; one that
 * loses to another responder is a 412. The write records the jobs it causes (its clocks' timers, and
 * the hand-over of the mails it queued) in its job outbox, which the audit relay enqueues.
 */
export class WorkflowWriter {
  constructor(
    readonly repository: WorkflowRepository,
    private readonly notifications: NotificationRequests,
    private readonly logger: Logger,
    readonly index: QueueIndex,
    /** The incident list's index (intake's): a status or severity written here moves the row there. */
    private readonly listIndex?: Pick<IncidentListIndex, 'put'>,
    /** A triage decision's clock specs, from its record. */
    private readonly decisionClocks?: DecisionClockLookup,
  ) {}

  async read(scope: Scope, id: string): Promise<WorkflowIncident> {
    const incident = await this.find(scope, id);
    if (!incident) throw new NotFoundError('Incident');
    return incident;
  }

  /** The incident, when `version` is still its revision; else a 412 naming the current ETag. */
  async readCurrent(scope: Scope, id: string, version: number): Promise<WorkflowIncident> {
    const incident = await this.read(scope, id);
    if (incident.revision !== version) throw stale(incident);
    return incident;
  }

  /**
   * The incident, or null, with the clock specs of a decision its clocks do not follow yet (a
   * re-triage's; one more read, only then), so every clock write merges them.
   */
  async find(scope: Scope, id: string): Promise<WorkflowIncident | null> {
    const incident = await this.repository.findById(scope, id);
    const decisionId = incident?.triage?.decisionId;
    if (!incident || !decisionId || decisionId === incident.clocksDecisionId || !this.decisionClocks) {
      return incident;
    }
    const decidedClocks = await this.decisionClocks(decisionId);
    if (decidedClocks === null) {
      this.logger.warn(
        { incidentId: id, decisionId },
        'triage decision record missing; clocks kept as they are',
      );
    }
    return { ...incident, decidedClocks };
  }

  /**
   * @param onStale called with the fresh incident when the version does not match, before the 412:
   *   lets a claim answer 409 "already claimed" instead.
   */
  async mutate(
    scope: Scope,
    id: string,
    version: number,
    plan: (incident: WorkflowIncident) => PlannedChange | Promise<PlannedChange>,
    onStale?: (incident: WorkflowIncident) => void,
  ): Promise<WorkflowIncident> {
    return readDecideWrite({
      read: () => this.read(scope, id),
      decide: async (incident): Promise<Decision<PlannedChange, never>> => {
        if (incident.revision !== version) {
          onStale?.(incident);
          throw stale(incident);
        }
        const planned = await plan(incident);
        checkGrowth(incident, planned.change);
        return { write: planned };
      },
      write: async (planned, incident) => {
        const updated = await this.repository.update(
          scope,
          id,
          { revision: incident.revision, clockSeq: incident.clockSeq },
          { ...planned.change, jobs: [...(planned.change.jobs ?? []), ...causedJobs(incident, planned)] },
        );
        if (updated) await this.after(updated);
        return updated;
      },
      attempts: ATTEMPTS,
      exhausted: () => new ConflictError('The incident is changing too fast; retry.', 'busy'),
    });
  }

  /**
   * Re-files the incident's rows in the Redis indexes (the queues', the incident list's): projections
   * of the store, which their reconcilers rebuild when this fails.
   */
  async after(incident: WorkflowIncident): Promise<void> {
    try {
      await this.index.put(incident);
      await this.listIndex?.put(listedOf(incident));
    } catch (err) {
      this.logger.warn(
        { incidentId: incident.id, err: (err as Error).message },
        'follow-up of a workflow write deferred',
      );
    }
  }

  /**
   * Files the queue row of an incident its first triage decision has just written (intake's shape:
   * the fields a row needs, with the deadline the decision's clocks set). A projection like the rows
   * `after` files: the clock reconciler rebuilds it when this fails.
   */
  async fileDecided(incident: Incident, nextDueAt: Date | null): Promise<void> {
    const stored = incident as Incident & Partial<Pick<WorkflowIncident, 'assignee' | 'clockSeq'>>;
    try {
      await this.index.put({
        id: incident.id,
        ref: incident.ref,
        bureauId: incident.bureauId,
        status: incident.status,
        severity: incident.severity,
        triage: incident.triage,
        reportedAt: incident.reportedAt,
        nextDueAt,
        assignee: stored.assignee ?? null,
        revision: incident.revision,
        clockSeq: stored.clockSeq ?? 0,
      });
    } catch (err) {
      this.logger.warn(
        { incidentId: incident.id, err: (err as Error).message },
        'queue row of a triaged incident deferred',
      );
    }
  }

  /**
   * Hands every queued notification request to the notifications port, then clears exactly those (the
   * clock `sync` a write that queued mails records does this first thing; each request is idempotent
   * by its notification id).
   */
  async flushOutbox(incident: WorkflowIncident): Promise<void> {
    const entries = incident.notificationOutbox;
    if (entries.length === 0) return;
    for (const entry of entries) {
      await this.notifications.request({ ...entry, incidentId: incident.id });
    }
    await this.repository.clearOutbox(incident.id, entries);
  }
}
