// Seeds the chaos database the way `npm start` does: the demo seed (bureaux with contacts, users, one
// API key each, recipient lists) run by the project's own runtime, audited like any admin change.
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/index.js';
import { startRuntime } from '../../src/runtime.js';

export interface SeededKeys {
  /** Reporter keys, one per demo bureau. */
  reporters: Array<{ bureauId: string; key: string }>;
  auditor: string;
}

/**
 * Starts the runtime once in this process with DEMO_MODE on (an API on any port, no workers), takes the
 * demo keys it issued, and stops it. The chaos processes run with DEMO_MODE off: a seeding API process
 * would revoke these keys each time it restarts.
 */
export async function seedDemoData(env: Record<string, string>): Promise<SeededKeys> {
  const config = loadConfig({
    ...env,
    DEMO_MODE: 'true',
    RUN_API: 'true',
    RUN_WORKERS: 'false',
    HTTP_PORT: '0',
  });
  const runtime = await startRuntime(config, createLogger('warn'), {
    mongodbUri: config.MONGODB_URI ?? '',
    redisUrl: config.REDIS_URL ?? '',
  });
  try {
    const credentials = runtime.modules.demoCredentials;
    const auditor = credentials.find((c) => c.role === 'auditor');
    const reporters = credentials
      .filter((c) => c.role === 'reporter' && c.bureauId !== null)
      .map((c) => ({ bureauId: c.bureauId ?? '', key: c.key }));
    if (!auditor || reporters.length === 0)
      throw new Error('the demo seed issued no auditor or reporter key');
    return { reporters, auditor: auditor.key };
  } finally {
    await runtime.stop();
  }
}
