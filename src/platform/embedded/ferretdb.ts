import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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

interface SourcePatches {
  module: string;
  patches: Array<{ file: string; from: string; to: string; why: string }>;
}

/**
 * Copies FerretDB's module source out of the Go module cache, applies `tools/ferretdb/patches.json`
 * (each `from` must occur exactly once, or the build stops: a new FerretDB version needs a look), and
 * returns a go.mod that builds the wrapper against the copy.
 */
function patchedModFile(go: string, workDir: string): string {
  const { module, patches } = JSON.parse(
    readFileSync(join(WRAPPER_DIR, 'patches.json'), 'utf8'),
  ) as SourcePatches;
  const downloaded = JSON.parse(
    execFileSync(go, ['mod', 'download', '-json', module], { cwd: WRAPPER_DIR, encoding: 'utf8' }),
  ) as { Dir: string };
  const source = join(workDir, 'src');
  cpSync(downloaded.Dir, source, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', source]); // the module cache is read-only
  for (const patch of patches) {
    const file = join(source, patch.file);
    const text = readFileSync(file, 'utf8');
    if (text.split(patch.from).length !== 2) {
      throw new Error(`FerretDB patch does not apply: ${patch.file} should contain ${patch.from} once`);
    }
    writeFileSync(file, text.replace(patch.from, patch.to));
  }
  const modFile = join(workDir, 'go.mod');
  const goMod = readFileSync(join(WRAPPER_DIR, 'go.mod'), 'utf8');
  writeFileSync(modFile, `${goMod}\nreplace ${module} => ${source}\n`);
  copyFileSync(join(WRAPPER_DIR, 'go.sum'), join(workDir, 'go.sum'));
  return modFile;
}

/**
 * Builds the FerretDB wrapper once, against FerretDB's source with our patches, and caches the binary
 * by the hash of the wrapper and the patches, so a change rebuilds it and an unchanged one starts in
 * milliseconds.
 */
export function ensureFerretDbBinary(): string {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go', 'patches.json']) {
    hash.update(readFileSync(join(WRAPPER_DIR, file)));
  }
  const binary = join(CACHE_DIR, `ferretdb-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${binary}.partial-${process.pid}`;
  const workDir = `${partial}-src`;
  try {
    const go = goBinary();
    const modFile = patchedModFile(go, workDir);
    execFileSync(go, ['build', '-mod=mod', `-modfile=${modFile}`, '-o', partial, '.'], {
      cwd: WRAPPER_DIR,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    renameSync(partial, binary); // atomic: a concurrent builder never runs a half-written binary
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
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
