import type { Logger } from '../logger.js';
import type { Connection } from './mongoose.js';
import { isDuplicateKeyError } from './connection.js';

/**
 * One change of stored data from the shape an earlier version wrote to the one this version reads.
 * `run` must be safe to repeat and to run in several processes at once (each step conditional on the
 * old shape), since every process runs the missing ones at start.
 */
export interface Migration {
  /** Stable and sortable: `YYYY-MM-<what>`. */
  id: string;
  description: string;
  /** Converts what is left in the old shape; returns how many documents it changed. */
  run(): Promise<{ changed: number }>;
}

/** What `runMigrations` did with one migration. */
export interface MigrationOutcome {
  id: string;
  description: string;
  state: 'applied' | 'already applied' | 'pending';
  changed: number;
}

const COLLECTION = 'schema_migrations';

interface MigrationRow {
  _id: string;
  appliedAt: Date;
  changed: number;
}

/** The ids of the migrations this store has recorded as done. */
async function appliedIds(db: Connection): Promise<Set<string>> {
  const rows = await db
    .collection<MigrationRow>(COLLECTION)
    .find({}, { projection: { _id: 1 } })
    .toArray();
  return new Set(rows.map((row) => row._id));
}

/**
 * Runs, in id order, every migration this store has not recorded (`schema_migrations`), and records
 * each once it has finished. With `dryRun` nothing runs: the answer says which are pending.
 */
export async function runMigrations(
  db: Connection,
  migrations: readonly Migration[],
  logger: Logger,
  options: { dryRun?: boolean } = {},
): Promise<MigrationOutcome[]> {
  const done = await appliedIds(db);
  const outcomes: MigrationOutcome[] = [];
  for (const migration of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
    const { id, description } = migration;
    if (done.has(id)) {
      outcomes.push({ id, description, state: 'already applied', changed: 0 });
      continue;
    }
    if (options.dryRun) {
      outcomes.push({ id, description, state: 'pending', changed: 0 });
      continue;
    }
    logger.info({ migration: id }, `migrating: ${description}`);
    const { changed } = await migration.run();
    try {
      await db.collection<MigrationRow>(COLLECTION).insertOne({ _id: id, appliedAt: new Date(), changed });
    } catch (err) {
      // Another process finished the same migration first: its row stands.
      if (!isDuplicateKeyError(err)) throw err;
    }
    logger.info({ migration: id, changed }, 'migration applied');
    outcomes.push({ id, description, state: 'applied', changed });
  }
  return outcomes;
}
