import {
  GroupInsert,
  GroupRead,
  isDuplicateKeyError,
  readDecideWrite,
  trusted,
  type Connection,
} from '../platform/db/index.js';
import { incidentModels, type IncidentModels } from './incident.model.js';

/** Per indicator key, the bureaux that reported it. */
export type Holders = Map<string, string[]>;

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
  /** Concurrent triage jobs' sightings share a write (see `GroupInsert`). */
  private readonly inserts: GroupInsert;
  /** And their reads of the indicators' bureaux share a read (see `GroupRead`). */
  private readonly holders: GroupRead<string[]>;

  constructor(db: Connection) {
    this.models = incidentModels(db);
    this.inserts = new GroupInsert(() => this.models.Sighting.collection);
    // One read for all of them: the store narrows an `_id` `$in` through its index (tools/ferretdb).
    this.holders = new GroupRead(async (keys) => {
      const docs = await this.models.IndicatorBureaux.find({ _id: trusted({ $in: [...keys] }) }).lean();
      return new Map(docs.map((doc) => [doc._id, doc.bureaux] as const));
    });
  }

  /**
   * Stores the incident's sightings and adds its bureau to each indicator. Returns the holders it read
   * when its bureau held every indicator already, for {@link findForeign}; undefined when it added one,
   * because then only a read after the add is sure to see a bureau that added the same indicator
   * concurrently (each side adds, then reads: at least one of them sees the other).
   */
  async record(incidentId: string, bureauId: string, keys: readonly string[]): Promise<Holders | undefined> {
    if (keys.length === 0) return new Map();
    const at = new Date();
    // Keyed by indicator and incident: a row already stored (a retried job) stays as it is.
    await this.inserts.insert(
      [...new Set(keys)].map((key) => ({ _id: `${key}|${incidentId}`, key, incidentId, bureauId, at })),
    );
    // After the rows: a bureau listed for an indicator always has its rows stored.
    const holders = await this.bureauxOf(keys);
    const missing = keys.filter((key) => !holders.get(key)?.includes(bureauId));
    if (missing.length === 0) return holders;
    await Promise.all(missing.map((key) => this.addBureau(key, bureauId)));
    return undefined;
  }

  /**
   * Sightings of any of `keys` by bureaux other than `bureauId`. `known` is what {@link record} just
   * returned for these keys; without it the holders are read.
   */
  async findForeign(keys: readonly string[], bureauId: string, known?: Holders): Promise<Sighting[]> {
    const holders = known ?? (await this.bureauxOf(keys));
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

  /**
   * The bureaux of each indicator that has any, read after the call (never an answer read before it:
   * `record` relies on reading after its own rows), with other jobs' reads of the moment.
   */
  private bureauxOf(keys: readonly string[]): Promise<Holders> {
    return this.holders.loadMany(keys);
  }

  private async addBureau(key: string, bureauId: string): Promise<void> {
    const model = this.models.IndicatorBureaux;
    await readDecideWrite({
      read: () => model.findOne({ _id: key }).lean(),
      decide: (current) => (current?.bureaux.includes(bureauId) ? { done: undefined } : { write: bureauId }),
      // `$addToSet` is its own guard; the upsert loses (duplicate key) only to a concurrent first add.
      write: async (bureau) => {
        try {
          await model.updateOne({ _id: key }, { $addToSet: { bureaux: bureau } }, { upsert: true });
          return true;
        } catch (err) {
          if (isDuplicateKeyError(err)) return null;
          throw err;
        }
      },
    });
  }
}
