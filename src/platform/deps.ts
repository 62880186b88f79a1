import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { Connection } from './db/index.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { QueueRegistry } from './queue/index.js';
import type { RequestPressure } from './request-pressure.js';

/**
 * What every module is built from: the shared vocabulary of the kernel, so a module's factory needs
 * nothing from the composition root that assembles them (which imports every module).
 */
export interface PlatformDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  db: Connection;
  /** Fail-fast connection for producers and reads (API side). */
  redis: Redis;
  queues: QueueRegistry;
  /**
   * The API's requests in flight, when this process serves them and runs workers too: its jobs and
   * background passes wait while they are high (see RequestPressure). None in a single-role process.
   */
  pressure?: RequestPressure | null;
}

/** A long-running loop of a module (relays, reconcilers): started after init, stopped before close. */
export interface Background {
  name: string;
  start(): void;
  stop(): Promise<void>;
}
