// The chaos run's processes: API and worker processes as separate OS processes (each in its own
// process group, killed as a group), and the redis-server and FerretDB they share. Everything spawned
// here is tracked, so a failing or interrupted run still leaves nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFerretDb, startRedisServer, type ManagedProcess } from '../../src/platform/embedded/index.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Every child still alive: pid, and whether it leads its own process group. */
const live = new Map<number, { group: boolean }>();

function track(child: ChildProcess, group: boolean): void {
  const pid = child.pid;
  if (pid === undefined) return;
  live.set(pid, { group });
  child.once('exit', () => live.delete(pid));
}

function signal(pid: number, group: boolean, sig: NodeJS.Signals): void {
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    // already gone
  }
}

/** SIGKILLs every process this module started that is still alive (synchronous: safe in 'exit'). */
export function killEverything(): void {
  for (const [pid, { group }] of live) signal(pid, group, 'SIGKILL');
  live.clear();
}

/**
 * Kills everything on exit, and on SIGINT/SIGTERM when `signals` (the script; a test runner handles
 * its own signals and exits, which still runs the exit hook). Returns the uninstaller.
 */
export function installCleanup(signals: boolean): () => void {
  const onSignal = (sig: NodeJS.Signals): void => {
    process.stderr.write(`\n${sig}: killing the chaos run's processes\n`);
    killEverything();
    process.exit(130);
  };
  process.on('exit', killEverything);
  if (signals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return () => {
    process.off('exit', killEverything);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A process that died without the harness asking for it. */
export interface UnexpectedExit extends Exit {
  name: string;
  incarnation: number;
  at: Date;
  logFile: string;
}

/** How one SIGTERM went. */
export interface Termination extends Exit {
  name: string;
  ms: number;
  /** Still alive after SHUTDOWN_TIMEOUT_MS + 20 s: the harness SIGKILLed it. */
  killed: boolean;
  /** The process logged launch.ts's "shutdown did not finish in time" (its own hard exit). */
  overran: boolean;
}

export interface AppSpec {
  kind: 'api' | 'worker';
  index: number;
  env: Record<string, string>;
  logDir: string;
  /** Restart a process that died by itself (like a supervisor would), after this pause. */
  restartAfterMs: number;
  say: (line: string) => void;
}

const READY_TIMEOUT_MS = 240_000;

/** One API (`src/server.ts`) or worker (`workers/index.ts`) process, restartable, one log file per start. */
export class AppProcess {
  readonly name: string;
  readonly unexpectedExits: UnexpectedExit[] = [];
  incarnation = 0;
  /** Off during the final shutdown: a process that dies then is not restarted. */
  supervise = true;
  private child: ChildProcess | null = null;
  private exited: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  private expected = new WeakSet<ChildProcess>();

  constructor(private readonly spec: AppSpec) {
    this.name = `${spec.kind}-${spec.index}`;
  }

  get logFile(): string {
    return join(this.spec.logDir, `${this.name}.${this.incarnation}.log`);
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process and resolves once it logged "started" (API listening, workers running). */
  async start(): Promise<void> {
    this.incarnation += 1;
    const logFile = this.logFile;
    const fd = openSync(logFile, 'a');
    const entry = this.spec.kind === 'api' ? 'src/server.ts' : 'workers/index.ts';
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      env: this.spec.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    child.on('error', () => undefined); // seen as an exit below
    track(child, true);
    this.child = child;
    this.exited = new Promise((done) => {
      child.once('exit', (code, sig) => {
        done({ code, signal: sig });
      });
    });
    void this.exited.then((exit) => this.afterExit(child, exit, logFile));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!readText(logFile).includes('"msg":"started"')) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited before it started; see ${logFile}`);
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not start within ${READY_TIMEOUT_MS} ms`);
      await sleep(200);
    }
  }

  /** SIGKILL to the whole process group; resolves when it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid || !this.running) return;
    this.expected.add(child);
    signal(child.pid, true, 'SIGKILL');
    await this.exited;
  }

  /** SIGTERM, as an operator's stop: waits SHUTDOWN_TIMEOUT_MS + 20 s before SIGKILLing the group. */
  async terminate(shutdownTimeoutMs: number): Promise<Termination> {
    const child = this.child;
    const started = Date.now();
    if (!child?.pid || !this.running) {
      return { name: this.name, code: null, signal: null, ms: 0, killed: false, overran: false };
    }
    this.expected.add(child);
    const logFile = this.logFile;
    signal(child.pid, false, 'SIGTERM');
    const timedOut = Symbol('timeout');
    const outcome = await Promise.race([this.exited, sleep(shutdownTimeoutMs + 20_000, timedOut)]);
    let exit: Exit;
    if (outcome === timedOut) {
      signal(child.pid, true, 'SIGKILL');
      exit = await this.exited;
    } else {
      exit = outcome;
    }
    return {
      name: this.name,
      ...exit,
      ms: Date.now() - started,
      killed: outcome === timedOut,
      overran: readText(logFile).includes('shutdown did not finish in time'),
    };
  }

  /** SIGSTOP to the group; returns what `resume` needs (the process may be replaced meanwhile). */
  pause(): ChildProcess | null {
    const child = this.child;
    if (!child?.pid || !this.running) return null;
    signal(child.pid, true, 'SIGSTOP');
    return child;
  }

  /** SIGCONT to a process `pause` stopped, if it is still alive. */
  resume(child: ChildProcess | null): void {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      signal(child.pid, true, 'SIGCONT');
    }
  }

  private supervising(): boolean {
    return this.supervise;
  }

  private async afterExit(child: ChildProcess, exit: Exit, logFile: string): Promise<void> {
    if (this.expected.has(child) || child !== this.child) return;
    this.unexpectedExits.push({
      name: this.name,
      incarnation: this.incarnation,
      at: new Date(),
      logFile,
      ...exit,
    });
    this.spec.say(`! ${this.name} exited by itself (${exit.signal ?? String(exit.code)}); see ${logFile}`);
    if (!this.supervising()) return;
    await sleep(this.spec.restartAfterMs);
    // Read again after the pause: the final shutdown may have begun, or a fault restarted it.
    if (!this.supervising() || child !== this.child) return;
    await this.start().catch((err: unknown) => {
      this.spec.say(`! ${this.name} did not restart: ${(err as Error).message}`);
    });
  }
}

/** Runs a node script of the repository to completion (tracked, killed after `timeoutMs`). */
export async function runNode(
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child, false);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((done) => {
    child.once('error', (err) => {
      stderr += err.message;
      done(null);
    });
    child.once('close', (exitCode) => {
      done(exitCode);
    });
  });
  clearTimeout(timer);
  return { code, stdout, stderr };
}

function readText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** How many attempts a service restart on its old port gets (the port may linger for a moment). */
const RESTART_ATTEMPTS = 5;

async function onPort<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= RESTART_ATTEMPTS) throw err;
      await sleep(1000);
    }
  }
}

async function killService(service: ManagedProcess): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = new Promise((done) => child.once('exit', done));
  signal(child.pid, false, 'SIGKILL');
  await gone;
}

/**
 * The project's own redis-server (AOF on, `appendfsync everysec`) and FerretDB build, on free ports
 * under `dir`; both restart on the same port from the same data (Redis replays its AOF).
 */
export class Services {
  redis!: ManagedProcess & { url: string };
  ferret!: ManagedProcess & { uri: string };
  /** Service faults one at a time: a FerretDB restart never overlaps a Redis one. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {}

  async start(): Promise<void> {
    [this.redis, this.ferret] = await Promise.all([
      startRedisServer(join(this.dir, 'redis')),
      startFerretDb(join(this.dir, 'ferretdb')),
    ]);
    track(this.redis.child, false);
    track(this.ferret.child, false);
  }

  /** SIGKILL redis-server (everysec may lose its last second), restart it on its port from the AOF. */
  restartRedis(downMs: number): Promise<void> {
    return this.serial(async () => {
      await killService(this.redis);
      await sleep(downMs);
      this.redis = await onPort(() => startRedisServer(join(this.dir, 'redis'), this.redis.port));
      track(this.redis.child, false);
    });
  }

  /** SIGKILL FerretDB, restart it on its port over the same SQLite files. */
  restartFerret(downMs: number): Promise<void> {
    return this.serial(async () => {
      await killService(this.ferret);
      await sleep(downMs);
      this.ferret = await onPort(() => startFerretDb(join(this.dir, 'ferretdb'), this.ferret.port));
      track(this.ferret.child, false);
    });
  }

  /** Stops both with SIGTERM (SIGKILL after 10 s, see startService). */
  async stop(): Promise<void> {
    await this.queue.catch(() => undefined);
    await Promise.all([this.redis.stop(), this.ferret.stop()]);
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.queue.catch(() => undefined).then(work);
    this.queue = next;
    return next;
  }
}
