// The full runtime (API + workers) for the intake benches, with one reporter key of a bench bureau.
import { systemActor } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { ConnectOptions } from '../../src/platform/db/index.js';
import { createLogger } from '../../src/platform/index.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { reportBody } from '../../test/factories/incident.factory.js';

export interface IntakeStack {
  runtime: Runtime;
  /** `POST` here to file a report. */
  url: string;
  /** The reporter's `Authorization` header. */
  auth: { authorization: string };
  /** One valid report, as the JSON text every request sends. */
  body: string;
}

/**
 * How long a bench lets the stack run before it measures (BENCH_WARMUP_SECONDS, default 16): a relay
 * sweeps at start, then 1, 2 and 4 s later while its sweeps find nothing, and every 8 s from then on,
 * as a system that has run for a while does. Until session 21 the benches measured from 2 s after the
 * start, and 50 reports filed one at a time took 2-3 s: that window held two or three of the early
 * sweeps, which a running system does not have (07ada8a: 9.4 commands a report that way, 8.4 after
 * this warm-up with 300 reports).
 */
export const WARM_UP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 16) * 1000;

export async function startIntakeStack(
  ferretUri: string,
  redisUrl: string,
  db?: ConnectOptions,
  /** Settings on top of the bench's, e.g. `RUN_WORKERS: 'false'` for an API-only process. */
  settings: Record<string, string> = {},
): Promise<IntakeStack> {
  const config = loadConfig({
    NODE_ENV: 'test',
    HTTP_PORT: '0',
    MONGODB_URI: `${ferretUri}intake`,
    REDIS_URL: redisUrl,
    // The bench bureau has no contacts and there is no GIRO-SO list, so every notification warns that
    // its routes resolve to nobody: at warn level, lines on stdout that cost the system being measured.
    LOG_LEVEL: 'error',
    RATE_LIMIT_PER_MINUTE: '100000000',
    ...settings,
  });
  const runtime = await startRuntime(config, createLogger('error'), {
    mongodbUri: config.MONGODB_URI ?? '',
    redisUrl,
    ...(db ? { db } : {}),
  });
  const setup = systemActor('bench');
  const { bureaux, users, keys } = runtime.modules.auth;
  await bureaux.create(setup, { code: 'BENCH', name: 'Bench bureau', regimes: ['HK-GOV'], contacts: [] });
  const user = await users.create(setup, {
    name: 'bench',
    email: 'bench@bench.example',
    role: 'reporter',
    bureauId: 'BENCH',
  });
  const { key } = await keys.issue(setup, { userId: user.id, label: 'bench', expiresInDays: 1 });
  return {
    runtime,
    url: `${runtime.url ?? ''}/api/v1/incidents`,
    auth: { authorization: `Bearer ${key}` },
    body: JSON.stringify(reportBody()),
  };
}
