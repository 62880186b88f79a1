import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, startService, type ManagedProcess } from './process.js';

const WRAPPER_DIR = resolve(import.meta.dirname, '../../../tools/ferretdb');
const CACHE_DIR = resolve(import.meta.dirname, '../../../node_modules/.cache/govcert');

/** Where scripts/ensure-system-deps.sh records a Go toolchain it fetched because the system one was too old. */
const GO_HINT = join(CACHE_DIR, 'go-bin-dir');

function goBinary(): string {
  const hinted = existsSync(GO_HINT) ? [join(readFileSync(GO_HINT, 'utf8').trim(), 'go')] : [];
  for (const candidate of [...hinted, 'go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go']) {
    try {
      execFileSync(candidate, ['version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error('Go is needed once to build FerretDB (tools/ferretdb); install it or set MONGODB_URI');
}

/**
 * Builds the FerretDB wrapper once and caches the binary by the hash of its sources, so a changed
 * go.mod rebuilds it and an unchanged one starts in milliseconds.
 */
export function ensureFerretDbBinary(): string {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(WRAPPER_DIR, file)));
  const binary = join(CACHE_DIR, `ferretdb-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${binary}.partial-${process.pid}`;
  execFileSync(goBinary(), ['build', '-mod=mod', '-o', partial, '.'], {
    cwd: WRAPPER_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  renameSync(partial, binary); // atomic: a concurrent builder never runs a half-written binary
  return binary;
}

/** Starts FerretDB with its SQLite backend under `dir` (one SQLite file per database). */
export async function startFerretDb(dir: string, port?: number): Promise<ManagedProcess & { uri: string }> {
  const dataDir = resolve(dir);
  mkdirSync(join(dataDir, 'sqlite'), { recursive: true });
  const binary = ensureFerretDbBinary();
  const chosen = port ?? (await freePort());
  const log = openSync(join(dataDir, 'ferretdb.log'), 'a');
  const args = ['--listen', `127.0.0.1:${chosen}`, '--sqlite-url', `file:${join(dataDir, 'sqlite')}/`];
  const managed = await startService('ferretdb', binary, args, chosen, [log, log], 120_000);
  return { ...managed, uri: `mongodb://127.0.0.1:${chosen}/` };
}
