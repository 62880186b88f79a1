import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts `workers/index.ts` as a real child process (as production runs it) with test settings plus
 * `env`; tests kill it with SIGTERM or SIGKILL to prove drains and take-overs.
 */
export function spawnWorkerProcess(env: Record<string, string | undefined>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
