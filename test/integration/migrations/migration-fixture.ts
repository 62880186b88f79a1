import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EJSON, type Document } from 'bson';
import { createLogger } from '../../../src/platform/index.js';
import { connectMongo } from '../../../src/platform/db/index.js';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../../bin/govcert.js');
const FIXTURES = join(import.meta.dirname, '../../fixtures/previous-version');

/** `govcert <args>` as an operator runs it on the store at `mongodbUri`: stdout and stderr. */
export function govcertOn(
  mongodbUri: string,
): (...args: string[]) => Promise<{ stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', MONGODB_URI: mongodbUri, LOG_LEVEL: 'warn' };
  return (...args) => run(process.execPath, [BIN, ...args], { env, timeout: 90_000 });
}

type Db = NonNullable<Awaited<ReturnType<typeof connectMongo>>['db']>;

/** Runs `use` on a connection of its own to the store at `uri`, closed after. */
export async function withStore<T>(uri: string, use: (db: Db) => Promise<T>): Promise<T> {
  const connection = await connectMongo(uri, createLogger('silent'));
  try {
    return await use(connection.db!);
  } finally {
    await connection.close();
  }
}

/** A fixture file of `test/fixtures/previous-version/` (canonical Extended JSON), as parsed. */
export const readFixture = (name: string): unknown => EJSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/**
 * `worked-store.json` (the incidents and decision records cb14303 stored) or `follow-ups-store.json`
 * (the same collections as 610d474 stored them): see the fixtures' README.
 */
export interface WorkedStore {
  incidents: Document[];
  triage_decisions: Document[];
}

/** Loads a stored-collections fixture (`worked-store.json` unless named) into the store at `uri`. */
export async function loadWorkedStore(uri: string, name = 'worked-store.json'): Promise<WorkedStore> {
  const fixture = readFixture(name) as WorkedStore;
  await withStore(uri, async (db) => {
    await db.collection('incidents').insertMany(fixture.incidents);
    await db.collection('triage_decisions').insertMany(fixture.triage_decisions);
  });
  return fixture;
}
