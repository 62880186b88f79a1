import { isDuplicateKeyError, trusted, type Connection } from '../platform/db/index.js';
import { decisionRecordModel } from './decision-record.model.js';
import type { TriageDecisionRecord } from './decision-record.js';

type StoredRecord = Omit<TriageDecisionRecord, 'id'> & { _id: string };

const toRecord = ({ _id, ...rest }: StoredRecord): TriageDecisionRecord => ({ id: _id, ...rest });

/** The triage decisions' own collection: inserts and reads by id, nothing else. */
export class DecisionRecordRepository {
  private readonly model: ReturnType<typeof decisionRecordModel>;

  constructor(db: Connection) {
    this.model = decisionRecordModel(db);
  }

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  /**
   * Stores the record unless one with its id is there: same id, same incident, round and input, so
   * the stored one says the same (a repeated run after a crash).
   */
  async insert(record: TriageDecisionRecord): Promise<void> {
    const { id, ...rest } = record;
    try {
      await this.model.create({ _id: id, ...rest });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /** The records with these ids, in one read; ids with no record are absent. */
  async findByIds(ids: readonly string[]): Promise<Map<string, TriageDecisionRecord>> {
    if (ids.length === 0) return new Map();
    const docs = await this.model.find({ _id: trusted({ $in: [...new Set(ids)] }) }).lean<StoredRecord[]>();
    return new Map(docs.map((doc) => [doc._id, toRecord(doc)]));
  }
}
