import type { mongo } from 'mongoose';
import type { AuditDraft } from '../audit/index.js';
import type { JobIntent, Scope } from '../platform/index.js';
import { inBatches, mongoose, updateIf, type Connection, type WriteGuard } from '../platform/db/index.js';
import { INCIDENTS_COLLECTION } from './incident.model.js';

type Doc = mongo.Document;

const isObjectId = (id: string): boolean => /^[a-f0-9]{24}$/.test(id);
const oid = (id: string) => new mongoose.Types.ObjectId(id);
const HIDDEN = { pendingAudit: 0, pendingJobs: 0 } as const;

/**
 * One conditional single-document change of an incident by the responders' workflow: fields set,
 * entries pushed or added, its audit drafts and the jobs it causes. It moves the revision.
 */
export interface IncidentDocumentChange {
  set?: Record<string, unknown>;
  push?: Record<string, unknown[]>;
  addToSet?: Record<string, unknown[]>;
  /** An extra condition: a claim needs the incident still unassigned. */
  guard?: { unassigned?: true };
  audit: AuditDraft[];
  jobs?: JobIntent[];
}

/** Which incidents of the queues to read, and how. */
export interface QueuedQuery {
  statuses: readonly string[];
  queue?: string;
  projection: Record<string, 0 | 1>;
  /** Earliest running due time first, then severity, then oldest; else natural order. */
  byUrgency?: boolean;
  skip?: number;
  limit?: number;
}

/**
 * The incidents collection's documents as the workflow reads and writes them (the lifecycle fields
 * are not in intake's mongoose schema, which would strip them): the incidents module owns the
 * collection, so every write of it is made here or in {@link IncidentRepository}. Each write is one
 * conditional update carrying its audit drafts and jobs.
 */
export interface IncidentDocuments {
  readonly collectionName: string;
  /** Indexes of what the queues filter and sort on. */
  init(): Promise<void>;
  /** The incident in scope, as stored (outboxes left out); null when missing or another bureau's. */
  findById(scope: Scope, id: string): Promise<Doc | null>;
  /** These incidents, whatever their bureau, in one read. */
  findMany(ids: readonly string[]): Promise<Doc[]>;
  /** Applies `change` if the incident is still at `revision` (and in scope); null when it was not. */
  update(scope: Scope, id: string, revision: number, change: IncidentDocumentChange): Promise<Doc | null>;
  /** Removes exactly these entries (as read) from the incident's queued mails. */
  clearOutbox(id: string, entries: readonly unknown[]): Promise<void>;
  /** Incidents sitting in the queues, as the query says. */
  queued(query: QueuedQuery): Promise<Doc[]>;
  /** Incidents that still hold any of `fields` (a migration's work list), in batches of one scan. */
  withAnyOf(
    fields: readonly string[],
    projection: Record<string, 0 | 1>,
    batch: number,
  ): AsyncGenerator<Doc[]>;
  /** Drops `fields` and sets `set`, without moving the revision or `updatedAt` (a migration's step). */
  reshape(id: string, fields: readonly string[], set?: Record<string, unknown>): Promise<void>;
  /**
   * Sets the earliest due time of the incident's clocks (and `urgencyAt`, the queues' sort key) from
   * their record's write `seq`, if no newer one was set; the revision does not move.
   */
  projectUrgency(id: string, seq: number, nextDueAt: Date | null, noDeadline: Date): Promise<void>;
}

/** The condition of a change: in scope, still at `revision`, and its guard holding. */
function writeGuard(scope: Scope, revision: number, guard: IncidentDocumentChange['guard']): WriteGuard {
  return {
    ...(scope.kind === 'bureau' ? { bureauId: scope.bureauId } : {}),
    revision,
    ...(guard?.unassigned ? { assignee: null } : {}),
  };
}

/** {@link IncidentDocuments} on the native driver. */
export class IncidentDocumentRepository implements IncidentDocuments {
  readonly collectionName = INCIDENTS_COLLECTION;

  constructor(
    private readonly db: Connection,
    /** Told of each write with its outboxes as stored (the audit relay's `kick`). */
    private readonly written?: (id: unknown, pendingAudit: unknown[], pendingJobs: unknown[]) => void,
  ) {}

  private get collection(): mongo.Collection {
    if (!this.db.db) throw new Error('database connection not open');
    return this.db.db.collection(this.collectionName);
  }

  async init(): Promise<void> {
    await this.collection.createIndex({ 'triage.queue': 1, status: 1, urgencyAt: 1 });
    await this.collection.createIndex({ status: 1, urgencyAt: 1 });
  }

  /**
   * The scope is in the query: a foreign incident and a missing one are the same read with the same
   * empty answer (our FerretDB build narrows `{ _id, bureauId }` through the `_id` index).
   */
  async findById(scope: Scope, id: string): Promise<Doc | null> {
    if (!isObjectId(id)) return null;
    const filter = scope.kind === 'bureau' ? { _id: oid(id), bureauId: scope.bureauId } : { _id: oid(id) };
    const doc = await this.collection.findOne(filter, { projection: HIDDEN });
    return doc && (scope.kind === 'all' || doc.bureauId === scope.bureauId) ? doc : null;
  }

  async findMany(ids: readonly string[]): Promise<Doc[]> {
    const oids = ids.filter(isObjectId).map(oid);
    if (oids.length === 0) return [];
    return this.collection.find({ _id: { $in: oids } }, { projection: HIDDEN }).toArray();
  }

  async update(
    scope: Scope,
    id: string,
    revision: number,
    change: IncidentDocumentChange,
  ): Promise<Doc | null> {
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
    return doc;
  }

  async clearOutbox(id: string, entries: readonly unknown[]): Promise<void> {
    if (entries.length === 0 || !isObjectId(id)) return;
    // Exact values as read: FerretDB ignores $pull with a condition, and a request pushed since stays.
    await this.collection.updateOne({ _id: oid(id) }, {
      $pullAll: { notificationOutbox: [...entries] },
    } as unknown as mongo.UpdateFilter<Doc>);
  }

  async queued(query: QueuedQuery): Promise<Doc[]> {
    const filter: Doc = { status: { $in: [...query.statuses] } };
    if (query.queue !== undefined) filter['triage.queue'] = query.queue;
    let cursor = this.collection.find(filter, { projection: query.projection });
    if (query.byUrgency) cursor = cursor.sort({ urgencyAt: 1, severity: 1, _id: 1 });
    if (query.skip !== undefined) cursor = cursor.skip(query.skip);
    if (query.limit !== undefined) cursor = cursor.limit(query.limit);
    return cursor.toArray();
  }

  async *withAnyOf(
    fields: readonly string[],
    projection: Record<string, 0 | 1>,
    batch: number,
  ): AsyncGenerator<Doc[]> {
    const cursor = this.collection.find(
      { $or: fields.map((field) => ({ [field]: { $exists: true } })) },
      { projection, batchSize: batch },
    );
    yield* inBatches(cursor, batch, (doc) => doc);
  }

  async reshape(id: string, fields: readonly string[], set?: Record<string, unknown>): Promise<void> {
    if (!isObjectId(id)) return;
    await this.collection.updateOne(
      { _id: oid(id) },
      {
        ...(set ? { $set: set } : {}),
        $unset: Object.fromEntries(fields.map((field) => [field, ''])),
      },
    );
  }

  async projectUrgency(id: string, seq: number, nextDueAt: Date | null, noDeadline: Date): Promise<void> {
    if (!isObjectId(id)) return;
    await this.collection.updateOne(
      { _id: oid(id), $or: [{ clockSeq: { $lt: seq } }, { clockSeq: null }] },
      { $set: { nextDueAt, urgencyAt: nextDueAt ?? noDeadline, clockSeq: seq } },
    );
  }
}

/** The incidents' documents on a bare connection (`govcert migrate` runs the workflow's migrations on it). */
export const incidentDocumentsOn = (db: Connection): IncidentDocuments => new IncidentDocumentRepository(db);
