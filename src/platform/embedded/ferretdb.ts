import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { freePort, startService, type ManagedProcess, type ServiceOptions } from './process.js';

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
  /** A folder of our own Go files, copied into the module source before the patches apply. */
  overlay?: string;
  patches: Array<{ file: string; from: string; to: string; why: string }>;
}

/** Every file under `dir`, relative to it, sorted (the overlay, for copying and hashing). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * Copies FerretDB's module source out of the Go module cache, applies `tools/ferretdb/patches.json`
 * (each `from` must occur exactly once, or the build stops: a new FerretDB version needs a look), and
 * returns a go.mod that builds the wrapper against the copy.
 */
function patchedModFile(go: string, workDir: string): string {
  const { module, overlay, patches } = JSON.parse(
    readFileSync(join(WRAPPER_DIR, 'patches.json'), 'utf8'),
  ) as SourcePatches;
  const downloaded = JSON.parse(
    execFileSync(go, ['mod', 'download', '-json', module], { cwd: WRAPPER_DIR, encoding: 'utf8' }),
  ) as { Dir: string };
  const source = join(workDir, 'src');
  cpSync(downloaded.Dir, source, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', source]); // the module cache is read-only
  if (overlay !== undefined) {
    for (const file of filesUnder(join(WRAPPER_DIR, overlay))) {
      if (existsSync(join(source, file))) throw new Error(`FerretDB overlay would replace ${file}`);
      cpSync(join(WRAPPER_DIR, overlay, file), join(source, file));
    }
  }
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

/** The binary's path for the current wrapper and patches (hashed), built or not. */
function binaryPath(): string {
  const hash = createHash('sha256');
  const overlay = filesUnder(join(WRAPPER_DIR, 'overlay')).map((file) => join('overlay', file));
  for (const file of ['go.mod', 'go.sum', 'main.go', 'patches.json', ...overlay]) {
    hash.update(`${file}\n`).update(readFileSync(join(WRAPPER_DIR, file)));
  }
  return join(CACHE_DIR, `ferretdb-${hash.digest('hex').slice(0, 16)}`);
}

/** True when the FerretDB binary for the current wrapper and patches is built already. */
export function ferretDbBuilt(): boolean {
  return existsSync(binaryPath());
}

/** How often a running build reports progress. */
const PROGRESS_EVERY_MS = 15_000;

/**
 * Builds the FerretDB wrapper once, against FerretDB's source with our patches, and caches the binary
 * by the hash of the wrapper and the patches, so a change rebuilds it and an unchanged one starts in
 * milliseconds. `onProgress` hears how many packages are compiled every 15 s while it builds.
 */
export async function ensureFerretDbBinary(onProgress?: (message: string) => void): Promise<string> {
  const binary = binaryPath();
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${binary}.partial-${process.pid}`;
  const workDir = `${partial}-src`;
  try {
    const go = goBinary();
    const modFile = patchedModFile(go, workDir);
    await goBuild(go, ['build', '-v', '-mod=mod', `-modfile=${modFile}`, '-o', partial, '.'], onProgress);
    renameSync(partial, binary); // atomic: a concurrent builder never runs a half-written binary
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return binary;
}

/** Runs `go build -v`, counting the packages it names as it compiles them; fails with Go's last words. */
async function goBuild(go: string, args: string[], onProgress?: (message: string) => void): Promise<void> {
  const started = Date.now();
  const child = spawn(go, args, { cwd: WRAPPER_DIR, stdio: ['ignore', 'inherit', 'pipe'] });
  let compiled = 0;
  const tail: string[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      compiled += 1;
      tail.push(line);
      if (tail.length > 30) tail.shift();
    }
  });
  const ticker = setInterval(() => {
    onProgress?.(
      `  ...building FerretDB: ${compiled} packages in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }, PROGRESS_EVERY_MS);
  try {
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0)
      throw new Error(`building FerretDB failed (go ${args[0]} exited ${code}):\n${tail.join('\n')}`);
  } finally {
    clearInterval(ticker);
  }
}

/** Starts FerretDB with its SQLite backend under `dir` (one SQLite file per database). */
export async function startFerretDb(
  dir: string,
  port?: number,
  options: ServiceOptions & {
    pprofListen?: string;
    onBuildProgress?: (message: string) => void;
  } = {},
): Promise<ManagedProcess & { uri: string }> {
  const dataDir = resolve(dir);
  mkdirSync(join(dataDir, 'sqlite'), { recursive: true });
  const binary = await ensureFerretDbBinary(options.onBuildProgress);
  const chosen = port ?? (await freePort());
  const log = openSync(join(dataDir, 'ferretdb.log'), 'a');
  // WAL with synchronous=NORMAL: a commit is on disk at the next checkpoint, not at every commit. A
  // FerretDB crash loses nothing (the WAL is in the OS cache); a power loss can lose the last commits,
  // as MongoDB's default write concern can (its journal is flushed every 100 ms). Every update pays
  // an fsync otherwise, and that halves what this store does per second (docs/benchmarks.md).
  const sqliteUrl = `file:${join(dataDir, 'sqlite')}/?_pragma=synchronous(normal)`;
  const args = ['--listen', `127.0.0.1:${chosen}`, '--sqlite-url', sqliteUrl];
  if (options.pprofListen) args.push('--pprof-listen', options.pprofListen);
  const managed = await startService('ferretdb', binary, args, chosen, [log, log], 120_000, {
    ownProcessGroup: options.ownProcessGroup,
  });
  return { ...managed, uri: `mongodb://127.0.0.1:${chosen}/` };
}
