import type { mongo } from 'mongoose';
import type { AuditDraft } from '../audit/index.js';
import { duplicateKeyIndexes, isDuplicateKeyError, idSlices, type Connection } from '../platform/db/index.js';
import type { JobIntent } from '../platform/index.js';
import type { IncidentUpdateInput } from './incident.schemas.js';
import type { IncidentUpdate } from './incident.types.js';

/** The bureau's follow-ups: one insert-only document per follow-up. */
export const UPDATES_COLLECTION = 'incident_updates';

/** A follow-up as stored: what the bureau sent, and its place in the incident's sequence. */
export interface UpdateRecord {
  incidentId: string;
  /** 1 for the incident's first follow-up; the incident's `updateCount` is the last one applied. */
  seq: number;
  entry: IncidentUpdate;
  /**
   * The input as validated, which the incident's facts are merged with when the record is applied;
   * null on records an earlier version had already applied (moved here by the migration).
   */
  input: IncidentUpdateInput | null;
}

/** The id of the incident's `seq`-th follow-up: known from the incident's counter, so reads use `_id`. */
export const updateRecordId = (incidentId: string, seq: number): string => `${incidentId}-u${seq}`;

/** A record as stored: its `_id` is a string (`<incidentId>-u<seq>`). */
type Doc = mongo.Document & { _id: string };

function toRecord(doc: Doc): UpdateRecord {
  return {
    incidentId: String(doc.incidentId),
    seq: Number(doc.seq),
    entry: doc.entry as IncidentUpdate,
    input: (doc.input ?? null) as IncidentUpdateInput | null,
  };
}

/**
 * The follow-up records, read and written by `_id` only. The insert is the follow-up's one write: it
 * carries its `incident.updated` audit draft and the job that applies it to the incident, so a crash
 * before the incident is written loses neither. Its deterministic id is the compare-and-set: two
 * follow-ups read on the same count cannot both take the next number.
 */
export class UpdateRecordRepository {
  readonly collectionName = UPDATES_COLLECTION;

  constructor(
    private readonly db: Connection,
    /** Told of each insert with its outboxes as stored (the audit relay's `kick`). */
    private readonly written?: (id: unknown, pendingAudit: unknown[], pendingJobs: unknown[]) => void,
  ) {}

  private get collection(): mongo.Collection<Doc> {
    if (!this.db.db) throw new Error('database connection not open');
    return this.db.db.collection<Doc>(this.collectionName);
  }

  /** Inserts the record with its audit drafts and jobs; false when that number is taken. */
  async insert(
    record: UpdateRecord & { bureauId: string },
    audit: AuditDraft[],
    jobs: JobIntent[],
  ): Promise<boolean> {
    const _id = updateRecordId(record.incidentId, record.seq);
    const doc = { _id, ...record, createdAt: new Date(), pendingAudit: audit, pendingJobs: jobs };
    try {
      await this.collection.insertOne(doc);
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
    this.written?.(_id, audit, jobs);
    return true;
  }

  /**
   * The follow-ups numbered `from` to `to` of each incident that exist, in order, read in as few
   * `_id $in` reads as the ids need (one for a page of incidents).
   */
  async ranges(
    wanted: ReadonlyArray<{ incidentId: string; from: number; to: number }>,
  ): Promise<Map<string, UpdateRecord[]>> {
    const ids = wanted.flatMap(({ incidentId, from, to }) =>
      Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => updateRecordId(incidentId, from + i)),
    );
    const byIncident = new Map<string, UpdateRecord[]>();
    for (const slice of idSlices(ids)) {
      const docs = await this.collection
        .find(
          { _id: { $in: slice } },
          {
            projection: { pendingAudit: 0, pendingJobs: 0 },
          },
        )
        .toArray();
      for (const doc of docs) {
        const record = toRecord(doc);
        const list = byIncident.get(record.incidentId) ?? [];
        list.push(record);
        byIncident.set(record.incidentId, list);
      }
    }
    for (const list of byIncident.values()) list.sort((a, b) => a.seq - b.seq);
    return byIncident;
  }

  /** Inserts records an earlier version stored on the incident; those already here are kept. */
  async insertMoved(records: ReadonlyArray<UpdateRecord & { bureauId: string }>): Promise<void> {
    if (records.length === 0) return;
    const docs = records.map((record) => ({
      _id: updateRecordId(record.incidentId, record.seq),
      ...record,
      createdAt: new Date(record.entry.at),
    }));
    try {
      await this.collection.insertMany(docs, { ordered: false });
    } catch (err) {
      // A repeat after a stop: the records written the first time stay as they are.
      if (!isDuplicateKeyError(err) && duplicateKeyIndexes(err) === null) throw err;
    }
  }
}
