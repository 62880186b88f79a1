import { mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, startService, type ManagedProcess, type ServiceOptions } from './process.js';

/**
 * Starts a private redis-server: data under `dir`, AOF on (timers survive a restart),
 * `noeviction` because BullMQ must never lose a key to memory pressure.
 */
export async function startRedisServer(
  dir: string,
  port?: number,
  options: ServiceOptions = {},
): Promise<ManagedProcess & { url: string }> {
  const dataDir = resolve(dir);
  mkdirSync(dataDir, { recursive: true });
  const chosen = port ?? (await freePort());
  const log = openSync(join(dataDir, 'redis.log'), 'a');
  const args = [
    '--port',
    String(chosen),
    '--bind',
    '127.0.0.1',
    '--dir',
    dataDir,
    '--appendonly',
    'yes',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--protected-mode',
    'yes',
  ];
  const managed = await startService(
    'redis-server',
    'redis-server',
    args,
    chosen,
    [log, log],
    30_000,
    options,
  ).catch((err: unknown) => {
    throw new Error(
      `${(err as Error).message}. Is redis-server installed? (Debian: apt-get install redis-server)`,
    );
  });
  return { ...managed, url: `redis://127.0.0.1:${chosen}` };
}
