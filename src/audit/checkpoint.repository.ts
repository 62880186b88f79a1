import type { mongo } from 'mongoose';
import { type Connection, isDuplicateKeyError } from '../platform/db/index.js';
import type { AuditCheckpoint } from './audit-event.types.js';
import { seqKey } from './audit-event.repository.js';

type CheckpointDocument = AuditCheckpoint & { _id: string };

export const AUDIT_CHECKPOINTS = 'audit_checkpoints';

/** Append and read only: signed checkpoints, one per chain position at most. */
export class CheckpointRepository {
  private readonly checkpoints: mongo.Collection<CheckpointDocument>;

  constructor(db: Connection) {
    if (!db.db) throw new Error('database connection not open');
    this.checkpoints = db.db.collection<CheckpointDocument>(AUDIT_CHECKPOINTS);
  }

  /** Stores a checkpoint; false when one for that position exists already (another process won). */
  async insert(checkpoint: AuditCheckpoint): Promise<boolean> {
    try {
      await this.checkpoints.insertOne({ _id: seqKey(checkpoint.seq), ...checkpoint });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Every checkpoint, ascending by seq (they are few: one per thousand events by default). */
  async all(): Promise<AuditCheckpoint[]> {
    const docs = await this.checkpoints.find({}).toArray();
    return docs.map(({ _id, ...checkpoint }) => checkpoint).sort((a, b) => a.seq - b.seq);
  }

  async latest(): Promise<AuditCheckpoint | null> {
    const all = await this.all();
    return all.at(-1) ?? null;
  }
}
