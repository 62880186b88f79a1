import type { Scope } from '../auth/index.js';
import {
  clockPartOf,
  clockSyncJob,
  clockWriteJobs,
  type ClockReads,
  type ClockService,
} from '../clocks/index.js';
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
  type Incident,
  type LimitedList,
} from '../incidents/index.js';
import { readDecideWrite, type Decision } from '../platform/db/index.js';
import { etagOf } from '../platform/http/index.js';
import type { WorkflowClockStore } from './clock-store.adapter.js';
import type { QueueIndex } from './queue-index.js';
import type { WorkflowIncidents } from './workflow-incidents.js';
import type { StoredWorkflowIncident, WorkflowChange, WorkflowIncident } from './workflow.types.js';

/** A change computed from the incident as read. */
export interface PlannedChange {
  change: WorkflowChange;
  /**
   * Set when the change records a fact the clocks follow (a milestone, an obligation, the end of the
   * lifecycle): the write records a clock `sync`, and the clocks are brought in line before answering.
   */
  clocks?: true;
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

/**
 * The jobs a planned change causes beside those it names: the clock `sync` of a fact the clocks
 * follow, and the hand-over of the mails it queued on the incident. Named by the revision it makes.
 */
function causedJobs(incident: WorkflowIncident, planned: PlannedChange): JobIntent[] {
  const revision = `r${String(incident.revision + 1)}`;
  const queued: unknown[] | undefined = planned.change.push?.notificationOutbox;
  const jobs = clockWriteJobs(incident.id, revision, [], queued !== undefined && queued.length > 0);
  if (planned.clocks) jobs.push(clockSyncJob(incident.id, revision));
  return jobs;
}

/** How often a write is recomputed after losing a race it can still win (a claim's guard). */
const ATTEMPTS = 3;

/**
 * Runs responder changes: read, check the version the caller saw, compute, write conditionally. A
 * write that loses to another responder is a 412. The write records the jobs it causes in its job
 * outbox, which the audit relay enqueues; one that records a fact the clocks follow then has the clock
 * service bring them in line (the `sync` it recorded does it if this process dies first), so the
 * answer shows the clocks as they now stand.
 */
export class WorkflowWriter {
  constructor(
    readonly repository: WorkflowIncidents,
    private readonly reads: ClockReads,
    private readonly clocks: Pick<ClockService, 'catchUp'>,
    private readonly store: WorkflowClockStore,
    private readonly logger: Logger,
    readonly index: QueueIndex,
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

  /** The incident with its clocks (and the specs of a decision they do not follow yet), or null. */
  async find(scope: Scope, id: string): Promise<WorkflowIncident | null> {
    const incident = await this.repository.findById(scope, id);
    return incident ? this.reads.join(incident) : null;
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
        const stored = await this.repository.update(scope, id, incident.revision, {
          ...planned.change,
          jobs: [...(planned.change.jobs ?? []), ...causedJobs(incident, planned)],
        });
        if (!stored) return null;
        const updated = withClocksOf(stored, incident);
        if (planned.clocks) return this.clocksFollow(updated);
        await this.store.after(updated);
        return updated;
      },
      attempts: ATTEMPTS,
      exhausted: () => new ConflictError('The incident is changing too fast; retry.', 'busy'),
    });
  }

  /**
   * Brings the clocks in line with the fact just written and answers with them. A failure here loses
   * nothing (the write's `sync` job does it): the answer then shows the clocks as they were.
   */
  private async clocksFollow(updated: WorkflowIncident): Promise<WorkflowIncident> {
    try {
      const result = await this.clocks.catchUp(updated.id, { inline: true, known: updated });
      if (result.incident) return withClocksOf(updated, result.incident as WorkflowIncident);
    } catch (err) {
      this.logger.warn(
        { incidentId: updated.id, err: (err as Error).message },
        'clocks left to the sync job of a workflow write',
      );
    }
    await this.store.after(updated);
    return updated;
  }

  /** Re-files the rows of an incident written outside `mutate`, with the clocks of the read before it. */
  after(stored: StoredWorkflowIncident, read: WorkflowIncident): Promise<void> {
    return this.store.after(withClocksOf(stored, read));
  }

  /**
   * Files the queue row of an incident its first triage decision has just written (intake's shape:
   * the fields a row needs, with the deadline the decision's clocks set). A projection like the rows
   * `after` files: the clock reconciler rebuilds it when this fails.
   */
  async fileDecided(incident: Incident, nextDueAt: Date | null): Promise<void> {
    const stored = incident as Incident & Partial<Pick<WorkflowIncident, 'assignee'>> & { clockSeq?: number };
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
}

/** The incident as stored after a write, with the clocks of `from` (a write of the incident leaves them). */
function withClocksOf(
  stored: StoredWorkflowIncident | WorkflowIncident,
  from: WorkflowIncident,
): WorkflowIncident {
  return { ...stored, ...clockPartOf(from) };
}
