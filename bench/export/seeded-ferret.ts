// A FerretDB holding `count` chained audit events, kept between runs when BENCH_DB_DIR is set: seeding
// a million events takes minutes, reading them back is what the export benches measure.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMongo, type Connection } from '../../src/platform/db/index.js';
import { startFerretDb } from '../../src/platform/embedded/index.js';
import { createLogger } from '../../src/platform/index.js';
import { bulkAuditEvents } from '../../test/factories/report-fixtures.js';

export interface SeededFerret {
  uri: string;
  db: Connection;
  stop(): Promise<void>;
}

export async function seededFerret(count: number, database = 'exportbench'): Promise<SeededFerret> {
  const kept = process.env.BENCH_DB_DIR;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'export-bench-'));
  // A marker file, not a count: on FerretDB/SQLite even an `_id` lookup near the end of a million
  // events scans the table (tens of seconds), so the seeded size is not asked of the database.
  const marker = join(dir, `seeded-${database}-${count}`);
  const ferret = await startFerretDb(join(dir, 'ferretdb'));
  const uri = `${ferret.uri}${database}`;
  const db = await connectMongo(uri, createLogger('silent'));
  if (!existsSync(marker)) {
    await db
      .db!.collection('audit_events')
      .drop()
      .catch(() => undefined);
    const started = performance.now();
    await bulkAuditEvents(db, count);
    const seconds = (performance.now() - started) / 1000;
    console.log(`seeded ${count.toLocaleString('en')} events into FerretDB in ${seconds.toFixed(1)} s`);
    writeFileSync(marker, '');
  } else {
    console.log(`reusing ${count.toLocaleString('en')} seeded events in ${dir}`);
  }
  return {
    uri,
    db,
    stop: async () => {
      await db.close();
      await ferret.stop();
      if (!kept) rmSync(dir, { recursive: true, force: true });
    },
  };
}
