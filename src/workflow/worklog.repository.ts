import type { mongo } from 'mongoose';
import { isDuplicateKeyError, mongoose, updateIf, type Connection } from '../platform/db/index.js';
import type { AuditDraft } from '../audit/index.js';
import type { IncidentWorklog } from './workflow.types.js';

type Doc = mongo.Document;

/** The worklogs collection: one document per incident that has notes, tasks or links. */
export const WORKLOGS_COLLECTION = 'incident_worklogs';

const isObjectId = (id: string): boolean => /^[a-f0-9]{24}$/.test(id);
const oid = (id: string) => new mongoose.Types.ObjectId(id);
const HIDDEN = { projection: { pendingAudit: 0, pendingJobs: 0 } } as const;

/** One conditional write of a worklog: entries appended, lists replaced, and its audit drafts. */
export interface WorklogChange {
  push?: Partial<Record<'notes' | 'tasks' | 'links', unknown[]>>;
  set?: Partial<Record<'notes' | 'tasks' | 'links', unknown[]>>;
  audit: AuditDraft[];
}

function toWorklog(doc: Doc): IncidentWorklog {
  const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
  return {
    incidentId: String(doc._id),
    notes: list(doc.notes),
    tasks: list(doc.tasks),
    links: list(doc.links),
    revision: typeof doc.revision === 'number' ? doc.revision : 0,
  };
}

/**
 * The worklogs, read and written by `_id` only (the incident's id: the one filter every store this
 * runs on narrows through an index). Each write is one conditional single-document command carrying
 * its audit drafts, like every other write of the system; the first one inserts the document.
 */
export class WorklogRepository {
  readonly collectionName = WORKLOGS_COLLECTION;

  constructor(
    private readonly db: Connection,
    /** Told of each write with its audit outbox as stored (the audit relay's `kick`). */
    private readonly written?: (id: unknown, pendingAudit: unknown[]) => void,
  ) {}

  private get collection(): mongo.Collection {
    if (!this.db.db) throw new Error('database connection not open');
    return this.db.db.collection(this.collectionName);
  }

  /** The incident's worklog, or null when nothing was ever added to it. */
  async find(incidentId: string): Promise<IncidentWorklog | null> {
    if (!isObjectId(incidentId)) return null;
    const doc = await this.collection.findOne({ _id: oid(incidentId) }, HIDDEN);
    return doc ? toWorklog(doc) : null;
  }

  /** The worklogs of these incidents that exist, in one read. */
  async findMany(incidentIds: readonly string[]): Promise<IncidentWorklog[]> {
    const ids = incidentIds.filter(isObjectId).map(oid);
    if (ids.length === 0) return [];
    const docs = await this.collection.find({ _id: { $in: ids } }, HIDDEN).toArray();
    return docs.map(toWorklog);
  }

  /**
   * Applies `change` if the worklog is still at `revision` (0: not stored yet, so this inserts it).
   * Returns the worklog after the change, or null when another write came first.
   */
  async write(
    incidentId: string,
    bureauId: string,
    revision: number,
    change: WorklogChange,
  ): Promise<IncidentWorklog | null> {
    const _id = oid(incidentId);
    const now = new Date();
    if (revision === 0) {
      const doc: Doc = {
        _id,
        bureauId,
        notes: change.set?.notes ?? change.push?.notes ?? [],
        tasks: change.set?.tasks ?? change.push?.tasks ?? [],
        links: change.set?.links ?? change.push?.links ?? [],
        revision: 1,
        createdAt: now,
        updatedAt: now,
        pendingAudit: change.audit,
      };
      try {
        await this.collection.insertOne(doc);
      } catch (err) {
        if (isDuplicateKeyError(err)) return null;
        throw err;
      }
      this.written?.(_id, change.audit);
      return toWorklog(doc);
    }
    const push: Doc = { pendingAudit: { $each: change.audit } };
    for (const [field, values] of Object.entries(change.push ?? {})) push[field] = { $each: values };
    const doc = await updateIf(
      this.collection,
      _id,
      { revision },
      { $set: { ...change.set, updatedAt: now }, $inc: { revision: 1 }, $push: push },
    );
    if (!doc) return null;
    this.written?.(_id, Array.isArray(doc.pendingAudit) ? (doc.pendingAudit as unknown[]) : []);
    return toWorklog(doc);
  }
}
