import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFerretDb, startRedisServer } from '../../src/platform/embedded/index.js';
import { setSharedServices, sharedServices, testDataRoot } from '../helpers/services.js';

// One redis-server and one FerretDB for the whole run, on free ports, in a temporary directory;
// each test file isolates itself with its own database name and queue prefix.
let dataDir: string | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  dataDir = mkdtempSync(join(testDataRoot(), 'govcert-test-'));
  const [redis, ferret] = await Promise.all([
    startRedisServer(join(dataDir, 'redis')),
    startFerretDb(join(dataDir, 'ferretdb')),
  ]);
  setSharedServices({ redis, ferret, dataDir });
}

export async function mochaGlobalTeardown(): Promise<void> {
  const services = sharedServices();
  await Promise.all([services.redis.stop(), services.ferret.stop()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
