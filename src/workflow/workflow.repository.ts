import type { mongo } from 'mongoose';
import type { Scope } from '../auth/index.js';
import { updateIf, inBatches, mongoose, type Connection, type WriteGuard } from '../platform/db/index.js';
import type { LegacyClockFields } from '../clocks/index.js';
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

const isObjectId = (id: string): boolean => /^[a-f0-9]{24}$/.test(id);
const oid = (id: string) => new mongoose.Types.ObjectId(id);

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

const inScope = (doc: Doc, scope: Scope): boolean => scope.kind === 'all' || doc.bureauId === scope.bureauId;

/** The condition of a workflow write: in scope, still at `revision`, and the change's guard holding. */
function writeGuard(scope: Scope, revision: number, guard: WorkflowChange['guard']): WriteGuard {
  return {
    ...(scope.kind === 'bureau' ? { bureauId: scope.bureauId } : {}),
    revision,
    ...(guard?.unassigned ? { assignee: null } : {}),
  };
}

/**
 * The workflow's access to the incidents collection, through the native driver: the workflow fields
 * are not in intake's mongoose schema (which would strip them), and every write here is one
 * conditional update carrying its audit drafts in `pendingAudit`.
 */
export class WorkflowRepository {
  constructor(
    private readonly db: Connection,
    readonly collectionName: string,
    /**
     * Told of each write with its outboxes as stored (the audit relay's `kick`), so its drafts are
     * chained and its jobs enqueued promptly instead of on the next sweep.
     */
    private readonly written?: (id: unknown, pendingAudit: unknown[], pendingJobs: unknown[]) => void,
  ) {}

  private get collection(): mongo.Collection {
    if (!this.db.db) throw new Error('database connection not open');
    return this.db.db.collection(this.collectionName);
  }

  /** Indexes of what the queues filter and sort on. */
  async init(): Promise<void> {
    await this.collection.createIndex({ 'triage.queue': 1, status: 1, urgencyAt: 1 });
    await this.collection.createIndex({ status: 1, urgencyAt: 1 });
  }

  /**
   * The scope is in the query: a foreign incident and a missing one are the same read with the same
   * empty answer (our FerretDB build narrows `{ _id, bureauId }` through the `_id` index).
   */
  async findById(scope: Scope, id: string): Promise<StoredWorkflowIncident | null> {
    if (!isObjectId(id)) return null;
    const filter = scope.kind === 'bureau' ? { _id: oid(id), bureauId: scope.bureauId } : { _id: oid(id) };
    const doc = await this.collection.findOne(filter, { projection: { pendingAudit: 0, pendingJobs: 0 } });
    return doc && inScope(doc, scope) ? toWorkflowIncident(doc) : null;
  }

  /** These incidents, whatever their bureau, in one read (the clock reconciler's batches). */
  async findMany(ids: readonly string[]): Promise<StoredWorkflowIncident[]> {
    const oids = ids.filter(isObjectId).map(oid);
    if (oids.length === 0) return [];
    const docs = await this.collection
      .find({ _id: { $in: oids } }, { projection: { pendingAudit: 0, pendingJobs: 0 } })
      .toArray();
    return docs.map(toWorkflowIncident);
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
    if (!isObjectId(id)) return null;
    const push: Doc = { pendingAudit: { $each: change.audit } };
    if (change.jobs?.length) push.pendingJobs = { $each: change.jobs };
    for (const [field, values] of Object.entries(change.push ?? {})) push[field] = { $each: values };
    const update: Doc = {
      $set: { ...change.set, updatedAt: new Date() },
      $inc: { revision: 1 },
      $push: push,
    };
    if (change.addToSet) {
      update.$addToSet = Object.fromEntries(
        Object.entries(change.addToSet).map(([f, v]) => [f, { $each: v }]),
      );
    }
    const doc = await updateIf(this.collection, oid(id), writeGuard(scope, revision, change.guard), update);
    if (!doc) return null;
    const outbox = (field: string): unknown[] => (Array.isArray(doc[field]) ? (doc[field] as unknown[]) : []);
    this.written?.(doc._id, outbox('pendingAudit'), outbox('pendingJobs'));
    return toWorkflowIncident(doc);
  }

  /** Removes exactly these requests (as read) from the notification outbox. */
  async clearOutbox(id: string, entries: readonly NotificationRequest[]): Promise<void> {
    if (entries.length === 0) return;
    // Exact values as read: FerretDB ignores $pull with a condition, and a request pushed since stays.
    await this.collection.updateOne({ _id: oid(id) }, {
      $pullAll: { notificationOutbox: [...entries] },
    } as unknown as mongo.UpdateFilter<Doc>);
  }

  /** One page of a team queue: earliest running due time first, then severity, then oldest. */
  async queuePage(queue: string, limit: number, skip: number): Promise<QueueRow[]> {
    const docs = await this.collection
      .find({ 'triage.queue': queue, status: { $in: QUEUED_STATUSES } }, { projection: ROW_PROJECTION })
      .sort({ urgencyAt: 1, severity: 1, _id: 1 })
      .skip(skip)
      .limit(limit)
      .toArray();
    return docs.map(toRow);
  }

  /** Every queued incident's row (the queue summary is computed from these in one scan). */
  async queuedRows(): Promise<QueueRow[]> {
    const docs = await this.collection
      .find({ status: { $in: QUEUED_STATUSES } }, { projection: ROW_PROJECTION })
      .toArray();
    return docs.map(toRow);
  }

  /**
   * Incidents as the version before worklogs stored them, with notes, tasks or links on the incident
   * (for the worklog migration), in batches.
   */
  async *withWorklogFields(batch: number): AsyncGenerator<StoredWorklogFields[]> {
    const cursor = this.collection.find(
      { $or: WORKLOG_FIELDS.map((field) => ({ [field]: { $exists: true } })) },
      { projection: { bureauId: 1, notes: 1, tasks: 1, links: 1 }, batchSize: batch },
    );
    yield* inBatches(cursor, batch, (doc) => ({
      id: String(doc._id),
      bureauId: String(doc.bureauId),
      notes: Array.isArray(doc.notes) ? (doc.notes as IncidentNote[]) : [],
      tasks: Array.isArray(doc.tasks) ? (doc.tasks as IncidentTask[]) : [],
      links: Array.isArray(doc.links) ? (doc.links as IncidentLink[]) : [],
    }));
  }

  /** Drops the lists the incident's worklog now holds (neither the revision nor `updatedAt` moves). */
  async dropWorklogFields(id: string): Promise<void> {
    await this.collection.updateOne(
      { _id: oid(id) },
      { $unset: Object.fromEntries(WORKLOG_FIELDS.map((field) => [field, ''])) },
    );
  }

  /**
   * The earliest due time of the incident's clocks, projected from their record's write `seq` for the
   * queues' sort: only a newer record state replaces an older one, and the revision does not move.
   */
  async projectUrgency(id: string, seq: number, nextDueAt: Date | null): Promise<void> {
    if (!isObjectId(id)) return;
    await this.collection.updateOne(
      { _id: oid(id), $or: [{ clockSeq: { $lt: seq } }, { clockSeq: null }] },
      { $set: { nextDueAt, urgencyAt: nextDueAt ?? NO_DEADLINE, clockSeq: seq } },
    );
  }

  /**
   * Incidents as the version before clock records stored them, with their clocks on the incident (for
   * the clock records' migration), in batches of one scan.
   */
  async *withClockFields(batch: number): AsyncGenerator<LegacyClockFields[]> {
    const cursor = this.collection.find(
      { $or: CLOCK_FIELDS.map((field) => ({ [field]: { $exists: true } })) },
      { projection: { pendingAudit: 0, pendingJobs: 0 }, batchSize: batch },
    );
    yield* inBatches(cursor, batch, (doc) => {
      const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
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

  /**
   * Drops the clock fields the clock record now holds, and sets what the incident keeps: the decision
   * the clocks follow, its milestones and the record's sequence its urgency came from (neither the
   * revision nor `updatedAt` moves).
   */
  async dropClockFields(id: string, set: Record<string, unknown>): Promise<void> {
    await this.collection.updateOne(
      { _id: oid(id) },
      {
        $set: set,
        $unset: Object.fromEntries(['clocks', 'clockEvents', 'clockTimers'].map((field) => [field, ''])),
      },
    );
  }
}
