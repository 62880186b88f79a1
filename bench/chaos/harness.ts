// One chaos run, start to finish: services, seed, processes, load with faults, drain, checks, shutdown.
// bench/chaos/run.ts and test/integration/chaos/chaos.test.ts both call runChaos().
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { configSchema } from '../../src/config/index.js';
import { freePort } from '../../src/platform/embedded/index.js';
import { createLogger } from '../../src/platform/index.js';
import { createRedis } from '../../src/platform/queue/index.js';
import { intakeCheck, systemChecks, terminationCheck, type Check } from './checks.js';
import { waitQuiet } from './drain.js';
import { runFaults, type FaultRecord } from './faults.js';
import { Load } from './load.js';
import { Observer } from './observe.js';
import type { ChaosOptions } from './options.js';
import { AppProcess, Services, installCleanup, killEverything } from './processes.js';
import { seedDemoData } from './seed.js';
import { SmtpSink } from './smtp-sink.js';
import { failedChecks, formatSummary } from './summary.js';
import { verifyOffline, verifyThroughApi } from './verify-chain.js';

export interface ChaosResult {
  passed: boolean;
  checks: Check[];
  faults: FaultRecord[];
  summary: string;
  /** The run's directory (logs, data, the exported trail); removed when every check passed unless kept. */
  dir: string;
}

const PREFIX = 'chaos';
const ROOT = join(import.meta.dirname, '../..');

/** Which code ran: the commit and how many files differ from it (others may be editing the tree). */
function codeIdentity(): string {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const dirty = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).length;
    return `commit ${git('rev-parse', '--short', 'HEAD').trim()}${dirty > 0 ? ` + ${dirty} modified files` : ''}`;
  } catch {
    return `${ROOT} (not a git checkout)`;
  }
}

/** The environment of every application process: ours only, none of the caller's config keys. */
function baseEnv(values: Record<string, string>): Record<string, string> {
  const configKeys = new Set(Object.keys(configSchema.shape));
  const inherited = Object.entries(process.env).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && !configKeys.has(entry[0]),
  );
  return { ...Object.fromEntries(inherited), ...values };
}

/** Redis must persist what BullMQ holds as the production guide says: AOF, fsync every second. */
async function assertAof(url: string): Promise<void> {
  const redis = createRedis(url, 'general', createLogger('silent'));
  try {
    await new Promise((done) => redis.once('ready', done));
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as [string, string];
    const [, fsync] = (await redis.config('GET', 'appendfsync')) as [string, string];
    if (appendonly !== 'yes' || fsync !== 'everysec') {
      throw new Error(`redis-server runs with appendonly=${appendonly} appendfsync=${fsync}`);
    }
  } finally {
    redis.disconnect();
  }
}

export async function runChaos(options: ChaosOptions, handleSignals = false): Promise<ChaosResult> {
  const { say } = options;
  const uninstall = installCleanup(handleSignals);
  const dir = mkdtempSync(join(options.parentDir, 'govcert-chaos-'));
  const logDir = join(dir, 'logs');
  mkdirSync(logDir);
  const code = codeIdentity();
  say(`chaos run in ${dir} on ${code}`);
  const services = new Services(dir);
  const smtp = new SmtpSink();
  let observer: Observer | undefined;
  const processes: AppProcess[] = [];
  try {
    await Promise.all([services.start(), smtp.start()]);
    await assertAof(services.redis.url);
    const signingKey = Buffer.from(
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ).toString('base64');
    const mongodbUri = `${services.ferret.uri}chaos`;
    const env = baseEnv({
      NODE_ENV: 'production',
      MONGODB_URI: mongodbUri,
      REDIS_URL: services.redis.url,
      REDIS_PREFIX: PREFIX,
      SMTP_URL: smtp.url,
      AUDIT_SIGNING_KEY: signingKey,
      // Production requires it for the console's sessions; one for all API processes, as one deployment.
      SESSION_SECRET: randomBytes(32).toString('hex'),
      AUDIT_CHECKPOINT_SECONDS: '15',
      LOG_LEVEL: options.logLevel,
      DATA_DIR: join(dir, 'app'),
      RATE_LIMIT_PER_MINUTE: '1000000',
      SHUTDOWN_TIMEOUT_MS: String(options.shutdownTimeoutMs),
      DEMO_MODE: 'false',
      EMBEDDED: 'false',
      HTTP_HOST: '127.0.0.1',
    });
    say('seeding bureaux, users and keys (demo seed)...');
    const keys = await seedDemoData(env);

    const ports = await Promise.all(Array.from({ length: options.apiProcesses }, () => freePort()));
    const common = { logDir, restartAfterMs: 1000, say };
    const apis = ports.map(
      (port, index) =>
        new AppProcess({ ...common, kind: 'api', index, env: { ...env, HTTP_PORT: String(port) } }),
    );
    const workers = Array.from(
      { length: options.workerProcesses },
      (_, index) => new AppProcess({ ...common, kind: 'worker', index, env }),
    );
    processes.push(...apis, ...workers);
    say(`starting ${apis.length} API and ${workers.length} worker processes...`);
    await Promise.all(processes.map((p) => p.start()));
    const urls = ports.map((port) => `http://127.0.0.1:${port}`);

    say(`offering ${options.rate} reports/s for ${options.seconds} s with ${options.faults.length} faults`);
    const load = new Load({
      rate: options.rate,
      followUpEvery: options.followUpEvery ?? 0,
      apis: urls,
      reporters: keys.reporters,
    });
    const t0 = Date.now();
    load.start();
    const faulting = runFaults(
      options.faults,
      { apis, workers, services, shutdownTimeoutMs: options.shutdownTimeoutMs, say },
      t0,
    );
    await sleep(options.seconds * 1000);
    const settling = load.stop(options.retrySeconds);
    const faults = await faulting;
    await settling;
    for (const p of processes) if (!p.running) await p.start();
    const acked = new Set(load.acknowledged().map((o) => o.incidentId ?? ''));
    say(`offered ${load.offers.length}, acknowledged ${acked.size}; draining...`);

    observer = await Observer.open(mongodbUri, services.redis.url, PREFIX);
    const drain = await waitQuiet(observer, acked, smtp, options.drainSeconds * 1000, say);
    say(
      drain.quiet ? `quiet after ${drain.seconds} s; checking...` : 'not quiet in time; checking anyway...',
    );
    const apiChain = await verifyThroughApi(urls, keys.auditor);
    const cliEnv = { ...env, LOG_LEVEL: 'warn' };
    const offlineChain = await verifyOffline(dir, cliEnv, signingKey);
    const checks = await systemChecks({
      offers: load.offers,
      observer,
      smtp,
      drain,
      apiChain,
      offlineChain,
      faults,
      unexpectedExits: processes.flatMap((p) => p.unexpectedExits),
      t0,
    });
    checks.push(intakeCheck(await Promise.all(urls.map((url) => load.probe(url)))));

    say('final shutdown (SIGTERM to every process)...');
    for (const p of processes) p.supervise = false;
    const terminations = await Promise.all(processes.map((p) => p.terminate(options.shutdownTimeoutMs)));
    checks.push(terminationCheck('final SIGTERMs finished in time (exit 0)', terminations));

    const passed = failedChecks(checks).length === 0;
    const title =
      `Chaos run: ${options.apiProcesses} API + ${options.workerProcesses} worker processes, ` +
      `${options.rate} reports/s for ${options.seconds} s, ${faults.length} faults; code: ${code}`;
    const summary = formatSummary(title, faults, checks);
    return { passed, checks, faults, summary, dir };
  } finally {
    for (const p of processes) p.supervise = false;
    await observer?.close().catch(() => undefined);
    await Promise.all(processes.map((p) => p.kill()));
    await services.stop().catch(() => undefined);
    killEverything();
    await smtp.stop().catch(() => undefined);
    uninstall();
  }
}

/** Removes the run's directory unless it should be kept (a failure, or CHAOS_KEEP). */
export function cleanUp(result: ChaosResult, keep: boolean): boolean {
  if (result.passed && !keep) {
    rmSync(result.dir, { recursive: true, force: true });
    return false;
  }
  return true;
}
