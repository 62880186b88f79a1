import type { Scope } from '../auth/actor.js';
import { trusted, type Connection } from '../platform/db/index.js';
import { incidentModels, type IncidentModels } from './incident.model.js';

/** One incident that holds an indicator. */
export interface Sighting {
  key: string;
  incidentId: string;
  bureauId: string;
}

/**
 * The indicator index: one row per (indicator key, incident). Rows are keyed by both, so recording
 * them again (a retried job) changes nothing.
 */
export class IndicatorSightingRepository {
  private readonly models: IncidentModels;

  constructor(db: Connection) {
    this.models = incidentModels(db);
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
  }

  /** Sightings of any of `keys`, within `scope`. */
  async find(scope: Scope, keys: readonly string[]): Promise<Sighting[]> {
    if (keys.length === 0) return [];
    const filter: Record<string, unknown> = { key: trusted({ $in: [...keys] }) };
    if (scope.kind === 'bureau') filter.bureauId = scope.bureauId;
    const rows = await this.models.Sighting.find(filter, { key: 1, incidentId: 1, bureauId: 1 }).lean();
    return rows.map((row) => ({ key: row.key, incidentId: row.incidentId, bureauId: row.bureauId }));
  }
}
