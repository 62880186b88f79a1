import type { mongo } from 'mongoose';
import type { AuditDraft } from '../audit/index.js';
import { mongoose, type Connection } from '../platform/db/index.js';

export const EXPORTS_COLLECTION = 'exports';

export type ExportStatus = 'queued' | 'running' | 'done' | 'failed';

/** How far a running export is: documents read, rows written, the estimated total, a percentage. */
export interface ExportProgress {
  percent: number;
  rows: number;
  scanned: number;
  total: number;
}

/** An export as stored and returned (plain object, id as a string). */
export interface ExportRecord {
  id: string;
  /** The request body as validated (filters as ISO strings); the worker parses it again. */
  request: Record<string, unknown>;
  status: ExportStatus;
  progress: ExportProgress;
  requestedBy: { userId: string; name: string; role: string };
  filename: string | null;
  contentType: string | null;
  bytes: number | null;
  error: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

type ExportDocument = Omit<ExportRecord, 'id'> & { _id: mongo.ObjectId; pendingAudit: AuditDraft[] };

function toRecord(doc: ExportDocument): ExportRecord {
  const { _id, pendingAudit: _pending, ...rest } = doc;
  return { id: _id.toHexString(), ...rest };
}

const isObjectId = (id: string): boolean => /^[a-f0-9]{24}$/.test(id);

/**
 * Export records. State changes carry their audit events in the same single-document write (the
 * `pendingAudit` outbox, drained by the audit relay); progress updates are not audited.
 */
export class ExportRepository {
  private readonly exports: mongo.Collection<ExportDocument>;

  constructor(db: Connection) {
    if (!db.db) throw new Error('database connection not open');
    this.exports = db.db.collection<ExportDocument>(EXPORTS_COLLECTION);
  }

  async init(): Promise<void> {
    await this.exports.createIndex({ 'requestedBy.userId': 1, _id: -1 }, { name: 'requester' });
  }

  /** Stores a queued export with its `export.requested` event. */
  async create(
    fields: Pick<ExportRecord, 'request' | 'requestedBy'>,
    audit: (id: string) => AuditDraft,
  ): Promise<ExportRecord> {
    const _id = new mongoose.Types.ObjectId();
    const doc: ExportDocument = {
      _id,
      ...fields,
      status: 'queued',
      progress: { percent: 0, rows: 0, scanned: 0, total: 0 },
      filename: null,
      contentType: null,
      bytes: null,
      error: null,
      attempts: 0,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
      pendingAudit: [audit(_id.toHexString())],
    };
    await this.exports.insertOne(doc);
    return toRecord(doc);
  }

  /** The export, if `userId` requested it (someone else's is simply not found). */
  async findOwned(userId: string, id: string): Promise<ExportRecord | null> {
    if (!isObjectId(id)) return null;
    const doc = await this.exports.findOne({
      _id: new mongoose.Types.ObjectId(id),
      'requestedBy.userId': userId,
    });
    return doc ? toRecord(doc) : null;
  }

  async findById(id: string): Promise<ExportRecord | null> {
    if (!isObjectId(id)) return null;
    const doc = await this.exports.findOne({ _id: new mongoose.Types.ObjectId(id) });
    return doc ? toRecord(doc) : null;
  }

  /** Marks an unfinished export running (again, after a crash); null when it is finished already. */
  async start(
    id: string,
    total: number,
    filename: string,
    contentType: string,
  ): Promise<ExportRecord | null> {
    const doc = await this.exports.findOneAndUpdate(
      { _id: new mongoose.Types.ObjectId(id), status: { $in: ['queued', 'running'] } },
      {
        $set: {
          status: 'running',
          startedAt: new Date(),
          filename,
          contentType,
          progress: { percent: 0, rows: 0, scanned: 0, total },
        },
        $inc: { attempts: 1 },
      },
      { returnDocument: 'after' },
    );
    return doc ? toRecord(doc) : null;
  }

  async progress(id: string, progress: ExportProgress): Promise<void> {
    await this.exports.updateOne(
      { _id: new mongoose.Types.ObjectId(id), status: 'running' },
      { $set: { progress } },
    );
  }

  /** Ends an export (done or failed) together with the audit event saying so. */
  async finish(
    id: string,
    outcome: Pick<ExportRecord, 'status' | 'progress' | 'bytes' | 'error'>,
    audit: AuditDraft,
  ): Promise<void> {
    await this.exports.updateOne(
      { _id: new mongoose.Types.ObjectId(id) },
      { $set: { ...outcome, finishedAt: new Date() }, $push: { pendingAudit: audit } },
    );
  }
}
