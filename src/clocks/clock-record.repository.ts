import type { mongo } from 'mongoose';
import type { AuditDraft } from '../audit/index.js';
import {
  GroupInsert,
  inBatches,
  isDuplicateKeyError,
  mongoose,
  updateIf,
  type Connection,
} from '../platform/db/index.js';
import type { JobIntent } from '../platform/index.js';
import { CLOCK_RECORDS_COLLECTION, type ClockRecord } from './clock-record.js';
import type { NotificationRequest } from './clock.types.js';

type Doc = mongo.Document;

const isObjectId = (id: string): boolean => /^[a-f0-9]{24}$/.test(id);
const oid = (id: string) => new mongoose.Types.ObjectId(id);
const HIDDEN = { projection: { pendingAudit: 0, pendingJobs: 0 } } as const;

/** The fields of a record a write replaces (all but identity and the sequence). */
export type ClockRecordFields = Pick<
  ClockRecord,
  'clocks' | 'decisionId' | 'events' | 'timers' | 'appliedObligations' | 'nextDueAt'
>;

/** One conditional write of a record: its fields, the mails it queues, its audit events and jobs. */
export interface ClockRecordChange {
  set: ClockRecordFields;
  outbox: NotificationRequest[];
  /** Event keys that must still be absent (two workers never both apply one step). */
  eventsAbsent: readonly string[];
  audit: AuditDraft[];
  jobs: JobIntent[];
}

function toRecord(doc: Doc): ClockRecord {
  const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
  return {
    incidentId: String(doc._id),
    bureauId: String(doc.bureauId),
    ref: String(doc.ref),
    clocks: list(doc.clocks),
    decisionId: typeof doc.decisionId === 'string' ? doc.decisionId : null,
    events: list(doc.events),
    timers: list(doc.timers),
    seq: typeof doc.seq === 'number' ? doc.seq : 0,
    appliedObligations: typeof doc.appliedObligations === 'number' ? doc.appliedObligations : 0,
    nextDueAt: doc.nextDueAt instanceof Date ? doc.nextDueAt : null,
    outbox: list(doc.outbox),
  };
}

/**
 * The clock records, read and written by `_id` (the incident's id: the filter every store this runs
 * on narrows through an index). Every write is one conditional single-document command on `seq`
 * carrying its audit drafts and jobs, which the audit relay chains and enqueues.
 */
export class ClockRecordRepository {
  readonly collectionName = CLOCK_RECORDS_COLLECTION;
  /** A first decision's inserts, group-committed: concurrent triage jobs share one `insertMany`. */
  private readonly inserts = new GroupInsert(() => this.collection);

  constructor(
    private readonly db: Connection,
    /** Told of each write with its outboxes as stored (the audit relay's `kick`). */
    private readonly written?: (id: unknown, pendingAudit: unknown[], pendingJobs: unknown[]) => void,
  ) {}

  private get collection(): mongo.Collection {
    if (!this.db.db) throw new Error('database connection not open');
    return this.db.db.collection(this.collectionName);
  }

  async find(incidentId: string): Promise<ClockRecord | null> {
    if (!isObjectId(incidentId)) return null;
    const doc = await this.collection.findOne({ _id: oid(incidentId) }, HIDDEN);
    return doc ? toRecord(doc) : null;
  }

  /** The records of these incidents that exist, in one read. */
  async findMany(incidentIds: readonly string[]): Promise<ClockRecord[]> {
    const ids = [...new Set(incidentIds)].filter(isObjectId).map(oid);
    if (ids.length === 0) return [];
    const docs = await this.collection.find({ _id: { $in: ids } }, HIDDEN).toArray();
    return docs.map(toRecord);
  }

  /**
   * Stores a record that has no outbox (a first triage decision's: its audit event and timers go with
   * the incident's write that follows). False when the incident already has one, which stands.
   */
  async insert(record: ClockRecord): Promise<boolean> {
    if (!isObjectId(record.incidentId)) return false;
    const [stored] = await this.inserts.insert([this.toDoc(record, [], [])]);
    return stored;
  }

  /**
   * Applies `change` if the record is still at `seq` (0: none stored yet, so this inserts it). Returns
   * the record after the change, or null when another write came first.
   */
  async write(record: ClockRecord, change: ClockRecordChange): Promise<ClockRecord | null> {
    if (!isObjectId(record.incidentId)) return null;
    const _id = oid(record.incidentId);
    if (record.seq === 0) {
      const doc = this.toDoc(
        { ...record, ...change.set, seq: 1, outbox: [...record.outbox, ...change.outbox] },
        change.audit,
        change.jobs,
      );
      try {
        await this.collection.insertOne(doc);
      } catch (err) {
        if (isDuplicateKeyError(err)) return null;
        throw err;
      }
      this.written?.(_id, change.audit, change.jobs);
      return toRecord(doc);
    }
    const push: Doc = { pendingAudit: { $each: change.audit } };
    if (change.jobs.length > 0) push.pendingJobs = { $each: change.jobs };
    if (change.outbox.length > 0) push.outbox = { $each: change.outbox };
    const doc = await updateIf(
      this.collection,
      _id,
      {
        seq: record.seq,
        ...(change.eventsAbsent.length > 0 ? { events: { $nin: change.eventsAbsent } } : {}),
      },
      { $set: { ...change.set, updatedAt: new Date() }, $inc: { seq: 1 }, $push: push },
    );
    if (!doc) return null;
    const outbox = (field: string): unknown[] => (Array.isArray(doc[field]) ? (doc[field] as unknown[]) : []);
    this.written?.(_id, outbox('pendingAudit'), outbox('pendingJobs'));
    return toRecord(doc);
  }

  /** Removes exactly these mails (as read) from the record's outbox. */
  async clearOutbox(incidentId: string, entries: readonly NotificationRequest[]): Promise<void> {
    if (entries.length === 0 || !isObjectId(incidentId)) return;
    // Exact values as read: FerretDB ignores $pull with a condition, and a mail pushed since stays.
    await this.collection.updateOne({ _id: oid(incidentId) }, {
      $pullAll: { outbox: [...entries] },
    } as unknown as mongo.UpdateFilter<Doc>);
  }

  /**
   * Every record, in batches, from one scan in natural order: FerretDB reads the whole collection for
   * any filter here anyway, so paging by `_id` would read it once per page.
   */
  async *all(batch: number): AsyncGenerator<ClockRecord[]> {
    const cursor = this.collection.find({}, { ...HIDDEN, batchSize: batch });
    yield* inBatches(cursor, batch, toRecord);
  }

  private toDoc(record: ClockRecord, audit: AuditDraft[], jobs: JobIntent[]): Doc {
    const now = new Date();
    const { incidentId, ...fields } = record;
    return {
      _id: oid(incidentId),
      ...fields,
      createdAt: now,
      updatedAt: now,
      pendingAudit: audit,
      pendingJobs: jobs,
    };
  }
}
