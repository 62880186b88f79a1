import type { mongo } from 'mongoose';
import type { Scope } from '../auth/index.js';
import type { LegacyClockFields } from '../clocks/index.js';
import type { IncidentDocuments } from '../incidents/index.js';
import { DEFAULT_INCIDENT_PAP, DEFAULT_INCIDENT_TLP } from '../platform/index.js';
import {
  NO_DEADLINE,
  type IncidentLink,
  type IncidentNote,
  type IncidentTask,
  type NotificationRequest,
  type StoredWorkflowIncident,
  type WorkflowChange,
} from './workflow.types.js';

import { ROW_PROJECTION, toRow, type QueueRow } from './queue-row.js';

type Doc = mongo.Document;

/** The lists an incident document held before the worklogs. */
const WORKLOG_FIELDS = ['notes', 'tasks', 'links'] as const;

/** An incident's notes, tasks and links as the version before worklogs stored them on it. */
export interface StoredWorklogFields {
  id: string;
  bureauId: string;
  notes: IncidentNote[];
  tasks: IncidentTask[];
  links: IncidentLink[];
}

/** The clock fields an incident carried before the clock records. */
const CLOCK_FIELDS = ['clocks', 'clockEvents', 'clockTimers'] as const;

/** Statuses in which an incident sits in a team queue. */
export const QUEUED_STATUSES = [
  'triaged',
  'acknowledged',
  'investigating',
  'contained',
  'eradicated',
  'recovered',
];

/** A plain incident with the workflow's defaults filled in (fresh reports lack those fields). */
function toWorkflowIncident(doc: Doc): StoredWorkflowIncident {
  const { _id, pendingAudit: _pending, pendingJobs: _jobs, nextDueAt, clockSeq, ...rest } = doc;
  return {
    assignee: null,
    claimedAt: null,
    acknowledgedAt: null,
    mergedInto: null,
    merged: [],
    postIncident: {},
    finding: null,
    obligations: [],
    clocksDecisionId: null,
    milestones: {},
    notApplicable: [],
    urgencyAt: NO_DEADLINE,
    notificationOutbox: [],
    updateCount: 0,
    // Incidents stored before the markings existed read as the defaults (see DEFAULT_INCIDENT_TLP).
    tlp: DEFAULT_INCIDENT_TLP,
    pap: DEFAULT_INCIDENT_PAP,
    ...rest,
    urgency: {
      dueAt: nextDueAt instanceof Date ? nextDueAt : null,
      seq: typeof clockSeq === 'number' ? clockSeq : 0,
    },
    id: String(_id),
  } as unknown as StoredWorkflowIncident;
}

/**
 * The workflow's view of the incidents: reads and writes through the incidents module's document port
 * (which owns the collection), mapped to the workflow's shapes (defaults filled in for a fresh report).
 */
export class WorkflowIncidents {
  constructor(private readonly documents: IncidentDocuments) {}

  init(): Promise<void> {
    return this.documents.init();
  }

  async findById(scope: Scope, id: string): Promise<StoredWorkflowIncident | null> {
    const doc = await this.documents.findById(scope, id);
    return doc ? toWorkflowIncident(doc) : null;
  }

  /** These incidents, whatever their bureau, in one read (the clock reconciler's batches). */
  async findMany(ids: readonly string[]): Promise<StoredWorkflowIncident[]> {
    return (await this.documents.findMany(ids)).map(toWorkflowIncident);
  }

  /**
   * Applies `change` only if the incident is still at `revision` (and the guard holds), in one update
   * with its audit drafts, moving the revision. Returns the incident after the change, or null when
   * the condition failed.
   */
  async update(
    scope: Scope,
    id: string,
    revision: number,
    change: WorkflowChange,
  ): Promise<StoredWorkflowIncident | null> {
    const doc = await this.documents.update(scope, id, revision, change);
    return doc ? toWorkflowIncident(doc) : null;
  }

  /** Removes exactly these requests (as read) from the notification outbox. */
  clearOutbox(id: string, entries: readonly NotificationRequest[]): Promise<void> {
    return this.documents.clearOutbox(id, entries);
  }

  /** One page of a team queue: earliest running due time first, then severity, then oldest. */
  async queuePage(queue: string, limit: number, skip: number): Promise<QueueRow[]> {
    const docs = await this.documents.queued({
      statuses: QUEUED_STATUSES,
      queue,
      projection: ROW_PROJECTION,
      byUrgency: true,
      skip,
      limit,
    });
    return docs.map(toRow);
  }

  /** Every queued incident's row (the queue summary is computed from these in one scan). */
  async queuedRows(): Promise<QueueRow[]> {
    return (await this.documents.queued({ statuses: QUEUED_STATUSES, projection: ROW_PROJECTION })).map(
      toRow,
    );
  }

  /**
   * Incidents as the version before worklogs stored them, with notes, tasks or links on the incident
   * (for the worklog migration), in batches.
   */
  async *withWorklogFields(batch: number): AsyncGenerator<StoredWorklogFields[]> {
    const projection = { bureauId: 1, notes: 1, tasks: 1, links: 1 } as const;
    for await (const docs of this.documents.withAnyOf(WORKLOG_FIELDS, projection, batch)) {
      yield docs.map((doc) => ({
        id: String(doc._id),
        bureauId: String(doc.bureauId),
        notes: Array.isArray(doc.notes) ? (doc.notes as IncidentNote[]) : [],
        tasks: Array.isArray(doc.tasks) ? (doc.tasks as IncidentTask[]) : [],
        links: Array.isArray(doc.links) ? (doc.links as IncidentLink[]) : [],
      }));
    }
  }

  /** Drops the lists the incident's worklog now holds (neither the revision nor `updatedAt` moves). */
  dropWorklogFields(id: string): Promise<void> {
    return this.documents.reshape(id, WORKLOG_FIELDS);
  }

  /**
   * The earliest due time of the incident's clocks, projected from their record's write `seq` for the
   * queues' sort: only a newer record state replaces an older one, and the revision does not move.
   */
  projectUrgency(id: string, seq: number, nextDueAt: Date | null): Promise<void> {
    return this.documents.projectUrgency(id, seq, nextDueAt, NO_DEADLINE);
  }

  /**
   * Incidents as the version before clock records stored them, with their clocks on the incident (for
   * the clock records' migration), in batches of one scan.
   */
  async *withClockFields(batch: number): AsyncGenerator<LegacyClockFields[]> {
    const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
    for await (const docs of this.documents.withAnyOf(
      CLOCK_FIELDS,
      { pendingAudit: 0, pendingJobs: 0 },
      batch,
    )) {
      yield docs.map((doc) => {
        const triage = doc.triage as { decisionId?: string } | null | undefined;
        return {
          id: String(doc._id),
          bureauId: String(doc.bureauId),
          ref: String(doc.ref),
          status: String(doc.status),
          triageDecisionId: triage?.decisionId ?? null,
          clocks: list(doc.clocks),
          clocksDecisionId: typeof doc.clocksDecisionId === 'string' ? doc.clocksDecisionId : null,
          clockEvents: list(doc.clockEvents).map(String),
          clockTimers: list(doc.clockTimers).map(String),
          clockSeq: typeof doc.clockSeq === 'number' ? doc.clockSeq : 0,
          obligations: list(doc.obligations).length,
          nextDueAt: doc.nextDueAt instanceof Date ? doc.nextDueAt : null,
          times: (doc.facts as { times?: Record<string, unknown> } | undefined)?.times ?? {},
          updatedAt: doc.updatedAt instanceof Date ? doc.updatedAt : new Date(),
        };
      });
    }
  }

  /**
   * Drops the clock fields the clock record now holds, and sets what the incident keeps: the decision
   * the clocks follow, its milestones and the record's sequence its urgency came from (neither the
   * revision nor `updatedAt` moves).
   */
  dropClockFields(id: string, set: Record<string, unknown>): Promise<void> {
    return this.documents.reshape(id, CLOCK_FIELDS, set);
  }
}
