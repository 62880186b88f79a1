import { randomBytes } from 'node:crypto';
import type { ManagedProcess } from '../../src/platform/embedded/index.js';

interface SharedServices {
  redis: ManagedProcess & { url: string };
  ferret: ManagedProcess & { uri: string };
  dataDir: string;
}

// Kept on globalThis, not in a module variable: mocha loads the root hooks through tsx's CommonJS path
// and the specs through ESM, which gives this file two module instances.
const KEY = Symbol.for('govcert.test.sharedServices');
const store = globalThis as unknown as Record<symbol, SharedServices | undefined>;

export function setSharedServices(services: SharedServices): void {
  store[KEY] = services;
}

/** The redis-server and FerretDB the root hooks started for this run. */
export function sharedServices(): SharedServices {
  const shared = store[KEY];
  if (!shared) throw new Error('test services not started: run through mocha with the root hooks');
  return shared;
}

/** A name no other test uses: database names, queue prefixes, bureau codes. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** URIs for a fresh, isolated database and queue prefix on the shared services. */
export function isolatedUrls(label: string): { mongodbUri: string; redisUrl: string; prefix: string } {
  const services = sharedServices();
  return {
    mongodbUri: `${services.ferret.uri}${uniqueName(label)}`,
    redisUrl: services.redis.url,
    prefix: uniqueName(`t${label}`),
  };
}
