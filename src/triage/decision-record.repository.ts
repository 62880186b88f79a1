import { GroupInsert, trusted, type Connection } from '../platform/db/index.js';
import { decisionRecordModel } from './decision-record.model.js';
import type { TriageDecisionRecord } from './decision-record.js';

/** A record as stored: those stored before `owed` existed hold none (a migration moves their incidents' lists in). */
type StoredRecord = Omit<TriageDecisionRecord, 'id' | 'owed'> & {
  _id: string;
  owed?: TriageDecisionRecord['owed'];
};

const toRecord = ({ _id, owed, ...rest }: StoredRecord): TriageDecisionRecord => ({
  id: _id,
  ...rest,
  owed: owed ?? [],
});

/**
 * The document of a record: its fields named one by one, so nothing else a caller's object carries is
 * stored. Not cast through a mongoose document: the record is typed to the schema's fields, and the
 * cast (a document, its validation and `toObject`) was a measurable share of a loaded worker's CPU
 * (docs/benchmarks.md, session 22); the process keeps the record itself as the stored one
 * (`DecisionRecords`) in any case.
 */
const toStored = (record: TriageDecisionRecord): StoredRecord => ({
  _id: record.id,
  incidentId: record.incidentId,
  bureauId: record.bureauId,
  round: record.round,
  policyVersion: record.policyVersion,
  inputHash: record.inputHash,
  decidedAt: record.decidedAt,
  severity: record.severity,
  categoryClass: record.categoryClass,
  reportable: record.reportable,
  queue: record.queue,
  regimes: record.regimes,
  reasons: record.reasons,
  escalation: record.escalation,
  clocks: record.clocks,
  notifications: record.notifications,
  owed: record.owed,
});

/** The triage decisions' own collection: inserts and reads by id, nothing else. */
export class DecisionRecordRepository {
  private readonly model: ReturnType<typeof decisionRecordModel>;
  /** Concurrent triage jobs' records share a write (see `GroupInsert`). */
  private readonly inserts: GroupInsert;

  constructor(db: Connection) {
    this.model = decisionRecordModel(db);
    this.inserts = new GroupInsert(() => this.model.collection);
  }

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  /**
   * Stores the record unless one with its id is there: same id, same incident, round and input, so
   * the stored one says the same (a repeated run after a crash). True when this call stored it.
   */
  async insert(record: TriageDecisionRecord): Promise<boolean> {
    const [stored = false] = await this.inserts.insert([toStored(record)]);
    return stored;
  }

  /**
   * Sets the notifications a record owes: a migration's write (records are otherwise never changed),
   * with a list that only grows (the caller merges by key, so a repeat writes the same list).
   */
  async setOwed(id: string, owed: readonly unknown[]): Promise<void> {
    await this.model.updateOne({ _id: id }, trusted({ $set: { owed } }));
  }

  /** The records with these ids, in one read; ids with no record are absent. */
  async findByIds(ids: readonly string[]): Promise<Map<string, TriageDecisionRecord>> {
    if (ids.length === 0) return new Map();
    const docs = await this.model.find({ _id: trusted({ $in: [...new Set(ids)] }) }).lean<StoredRecord[]>();
    return new Map(docs.map((doc) => [doc._id, toRecord(doc)]));
  }
}
