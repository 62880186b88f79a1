import { DocumentLocks, trusted, type Connection } from '../platform/db/index.js';
import { incidentModels, type IncidentModels } from './incident.model.js';

/** One incident that holds an indicator. */
export interface Sighting {
  key: string;
  incidentId: string;
  bureauId: string;
}

/**
 * The indicator index: one row per (indicator key, incident), keyed by both so recording them again (a
 * retried job) changes nothing; plus, per indicator, the bureaux that reported it. Matching reads the
 * per-indicator bureaux by `_id` first and queries the rows only for indicators another bureau holds.
 */
export class IndicatorSightingRepository {
  private readonly models: IncidentModels;
  /** `$addToSet` is read-then-write on FerretDB v1: adding a bureau takes the indicator's lock. */
  private readonly locks: DocumentLocks;

  constructor(db: Connection) {
    this.models = incidentModels(db);
    this.locks = new DocumentLocks(db);
  }

  async record(incidentId: string, bureauId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const at = new Date();
    await this.models.Sighting.bulkWrite(
      keys.map((key) => ({
        updateOne: {
          filter: { _id: `${key}|${incidentId}` },
          update: { $setOnInsert: { key, incidentId, bureauId, at } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    // After the rows: a bureau listed for an indicator always has its rows stored.
    const holders = await this.bureauxOf(keys);
    await Promise.all(
      keys.filter((key) => !holders.get(key)?.includes(bureauId)).map((key) => this.addBureau(key, bureauId)),
    );
  }

  /** Sightings of any of `keys` by bureaux other than `bureauId`. */
  async findForeign(keys: readonly string[], bureauId: string): Promise<Sighting[]> {
    const holders = await this.bureauxOf(keys);
    const shared = keys.filter((key) => holders.get(key)?.some((other) => other !== bureauId));
    if (shared.length === 0) return [];
    const rows = await this.models.Sighting.find(
      { key: trusted({ $in: shared }) },
      { key: 1, incidentId: 1, bureauId: 1 },
    ).lean();
    return rows
      .filter((row) => row.bureauId !== bureauId)
      .map((row) => ({ key: row.key, incidentId: row.incidentId, bureauId: row.bureauId }));
  }

  private async bureauxOf(keys: readonly string[]): Promise<Map<string, string[]>> {
    const docs = await Promise.all(
      [...new Set(keys)].map((key) => this.models.IndicatorBureaux.findOne({ _id: key }).lean()),
    );
    return new Map(docs.flatMap((doc) => (doc ? [[doc._id, doc.bureaux] as const] : [])));
  }

  private async addBureau(key: string, bureauId: string): Promise<void> {
    const model = this.models.IndicatorBureaux;
    await this.locks.withLock(model.collection.collectionName, key, async () => {
      const current = await model.findOne({ _id: key }).lean();
      if (current?.bureaux.includes(bureauId)) return;
      if (current) {
        await model.updateOne({ _id: key }, { $set: { bureaux: [...current.bureaux, bureauId] } });
        return;
      }
      await model.create({ _id: key, bureaux: [bureauId] });
    });
  }
}
