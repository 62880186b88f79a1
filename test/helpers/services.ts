import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * Where test databases live: tmpfs when the machine has one. The suite measures behaviour, not disk
 * speed, and SQLite's fsyncs on a slow disk otherwise dominate its run time.
 */
export function testDataRoot(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
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
