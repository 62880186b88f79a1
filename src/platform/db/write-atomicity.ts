import type { Connection } from './mongoose.js';

/** The store lacks atomic conditional writes; the message names the fix. */
export class StoreContractError extends Error {
  constructor(server: string) {
    super(
      `${server} does not apply conditional writes atomically, which this application needs ` +
        '(compare-and-set). Use MongoDB 6 or later, or the FerretDB that tools/ferretdb builds (the ' +
        'embedded store of `govcert start`), whose buildInfo reports ferretdbFeatures.govcertAtomicWrites.',
    );
    this.name = 'StoreContractError';
  }
}

/**
 * Why a server answering `buildInfo` with `info` cannot hold our data, or null when it can. MongoDB
 * applies a conditional single-document write (`update`, `findAndModify`, `delete` with a filter)
 * atomically. Stock FerretDB v1 does not: it reads the matches and writes them back in two steps
 * (FerretDB#3040), so two compare-and-sets can both win. The FerretDB this repository builds
 * (tools/ferretdb) adds a per-collection write lock and says so in
 * `buildInfo.ferretdbFeatures.govcertAtomicWrites`.
 */
export function storeContractBreach(info: Record<string, unknown>): StoreContractError | null {
  if (info.ferretdbVersion === undefined) return null;
  const features = info.ferretdbFeatures as { govcertAtomicWrites?: unknown } | undefined;
  return features?.govcertAtomicWrites === true
    ? null
    : new StoreContractError(
        `FerretDB ${JSON.stringify(info.ferretdbVersion)} without the tools/ferretdb patches`,
      );
}

/** Refuses (throws {@link StoreContractError}) a store whose conditional writes are not atomic. */
export async function assertAtomicWrites(db: Connection): Promise<void> {
  await db.asPromise();
  if (!db.db) throw new Error('database connection not open');
  const breach = storeContractBreach(await db.db.admin().command({ buildInfo: 1 }));
  if (breach) throw breach;
}
