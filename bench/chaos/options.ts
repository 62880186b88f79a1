// The chaos run's knobs and its fault schedule, from the environment (run.ts) or given by a test.

/** What a fault does; `target` picks the API or worker process by index. */
export type FaultKind =
  | 'api-kill'
  | 'worker-kill'
  | 'api-term'
  | 'worker-term'
  | 'worker-stop'
  | 'redis-restart'
  | 'ferret-restart';

export const FAULT_KINDS: readonly FaultKind[] = [
  'api-kill',
  'worker-kill',
  'api-term',
  'worker-term',
  'worker-stop',
  'redis-restart',
  'ferret-restart',
];

/** One scheduled fault, `atSeconds` after offering starts. */
export interface Fault {
  atSeconds: number;
  kind: FaultKind;
  /** Which API or worker process (0-based); ignored by the service faults. */
  target: number;
  /** `worker-stop`: how long the process stays stopped. */
  seconds?: number;
}

export interface ChaosOptions {
  /** How long reports are offered. */
  seconds: number;
  /** Reports offered per second, spread over the API processes. */
  rate: number;
  /** Every how many reports one gets a material follow-up once acknowledged; 0 or absent: none. */
  followUpEvery?: number;
  apiProcesses: number;
  workerProcesses: number;
  faults: Fault[];
  /** How long the drain may take before the run is declared not quiet. */
  drainSeconds: number;
  /** How long a client keeps retrying one report after offering stopped. */
  retrySeconds: number;
  /** SHUTDOWN_TIMEOUT_MS of every process. */
  shutdownTimeoutMs: number;
  /** Where the run's temporary directory is made. */
  parentDir: string;
  /** Keep the temporary directory (logs, data) even when every check passed. */
  keep: boolean;
  /** pino level of the application processes (their logs are the evidence). */
  logLevel: string;
  /** Progress lines go here (stderr for the script, silent in a quiet test). */
  say: (line: string) => void;
}

/** BullMQ's default job lock is 30 s (src/platform/queue/worker.ts sets no lockDuration). */
export const DEFAULT_STOP_SECONDS = 40;

/**
 * The default schedule over `seconds` of offering: every kind of fault at least once, spread so each
 * has settled before the next of its kind. A SIGSTOP outlasts BullMQ's job lock.
 */
export function defaultFaults(seconds: number, apis: number, workers: number): Fault[] {
  const at = (share: number): number => Math.round(seconds * share);
  const lastApi = apis - 1;
  const lastWorker = workers - 1;
  return [
    { atSeconds: at(0.08), kind: 'worker-kill', target: 0 },
    { atSeconds: at(0.16), kind: 'api-kill', target: 0 },
    { atSeconds: at(0.25), kind: 'ferret-restart', target: 0 },
    { atSeconds: at(0.35), kind: 'redis-restart', target: 0 },
    { atSeconds: at(0.42), kind: 'worker-stop', target: lastWorker, seconds: DEFAULT_STOP_SECONDS },
    { atSeconds: at(0.5), kind: 'worker-kill', target: 0 },
    { atSeconds: at(0.6), kind: 'api-kill', target: lastApi },
    { atSeconds: at(0.68), kind: 'worker-term', target: 0 },
    { atSeconds: at(0.76), kind: 'ferret-restart', target: 0 },
    { atSeconds: at(0.86), kind: 'redis-restart', target: 0 },
    { atSeconds: at(0.92), kind: 'api-term', target: 0 },
  ];
}

/**
 * Parses `CHAOS_FAULTS`: `none`, `default`, or a comma list of `<seconds>:<kind>[@<index>][:<stop seconds>]`,
 * e.g. `10:worker-kill@1,20:redis-restart,30:worker-stop@0:45`.
 */
export function parseFaults(text: string, seconds: number, apis: number, workers: number): Fault[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'default') return defaultFaults(seconds, apis, workers);
  if (trimmed === 'none') return [];
  return trimmed.split(',').map((part) => {
    const match = /^(\d+(?:\.\d+)?):([a-z-]+)(?:@(\d+))?(?::(\d+))?$/.exec(part.trim());
    const [, at, kindText, targetText, stopText] = (match ?? []) as Array<string | undefined>;
    const kind = FAULT_KINDS.find((k) => k === kindText);
    if (at === undefined || kind === undefined) {
      throw new Error(`CHAOS_FAULTS: cannot read "${part}" (kinds: ${FAULT_KINDS.join(', ')})`);
    }
    const target = Number(targetText ?? 0);
    const pool = kind.startsWith('api') ? apis : workers;
    if (!kind.includes('restart') && target >= pool) {
      throw new Error(`CHAOS_FAULTS: "${part}" names process ${target}, there are ${pool}`);
    }
    return {
      atSeconds: Number(at),
      kind,
      target,
      ...(kind === 'worker-stop' ? { seconds: Number(stopText ?? DEFAULT_STOP_SECONDS) } : {}),
    };
  });
}

function positive(env: Record<string, string | undefined>, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${key} must be a positive number, got ${raw}`);
  return value;
}

/** A whole number of zero or more from the environment, or `fallback` when unset. */
function wholeNumber(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a whole number ≥ 0, not ${raw}`);
  return value;
}

/** The options of `npx tsx bench/chaos/run.ts`, from its environment. */
export function optionsFromEnv(
  env: Record<string, string | undefined>,
  say: (line: string) => void,
  tmp: string,
): ChaosOptions {
  const seconds = positive(env, 'CHAOS_SECONDS', 240);
  const apiProcesses = Math.floor(positive(env, 'CHAOS_API', 1));
  const workerProcesses = Math.floor(positive(env, 'CHAOS_WORKERS', 2));
  return {
    seconds,
    rate: positive(env, 'CHAOS_RATE', 5),
    followUpEvery: wholeNumber(env, 'CHAOS_FOLLOW_UP_EVERY', 0),
    apiProcesses,
    workerProcesses,
    faults: parseFaults(env.CHAOS_FAULTS ?? 'default', seconds, apiProcesses, workerProcesses),
    drainSeconds: positive(env, 'CHAOS_DRAIN_SECONDS', 600),
    retrySeconds: positive(env, 'CHAOS_RETRY_SECONDS', 180),
    shutdownTimeoutMs: positive(env, 'CHAOS_SHUTDOWN_MS', 25_000),
    parentDir: env.CHAOS_DIR ?? tmp,
    keep: env.CHAOS_KEEP === '1',
    logLevel: env.CHAOS_LOG_LEVEL ?? 'info',
    say,
  };
}
