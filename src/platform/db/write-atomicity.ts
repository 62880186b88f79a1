import type { Connection } from './mongoose.js';

const known = new WeakMap<Connection, Promise<boolean>>();

/**
 * Whether the server applies a conditional single-document write (`update`, `findAndModify`, `delete`
 * with a filter) atomically. MongoDB does. Stock FerretDB v1 does not: it reads the matches and writes
 * them back in two steps (FerretDB#3040). The FerretDB this repository builds (tools/ferretdb) adds a
 * per-collection write lock and says so in `buildInfo.ferretdbFeatures.govcertAtomicWrites`.
 */
export function conditionalWritesAreAtomic(db: Connection): Promise<boolean> {
  let answer = known.get(db);
  if (!answer) {
    answer = detect(db).catch((err: unknown) => {
      known.delete(db); // ask again next time rather than remember an outage
      throw err;
    });
    known.set(db, answer);
  }
  return answer;
}

async function detect(db: Connection): Promise<boolean> {
  await db.asPromise();
  if (!db.db) throw new Error('database connection not open');
  const info = await db.db.admin().command({ buildInfo: 1 });
  if (info.ferretdbVersion === undefined) return true;
  const features = info.ferretdbFeatures as { govcertAtomicWrites?: unknown } | undefined;
  return features?.govcertAtomicWrites === true;
}
