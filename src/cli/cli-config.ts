import { ConfigError, loadConfig, processEnv, type Config } from '../config/index.js';
import { pino } from 'pino';
import { findRunningServices, RUNNING_SERVICES_FILE } from '../platform/embedded/index.js';
import { createLogger, type Logger } from '../platform/index.js';

/** Warnings and errors on stderr: a command's stdout is its output (a key, a table, a report). */
export function cliLogger(): Logger {
  return createLogger('warn', pino.destination(2));
}

/**
 * The configuration of one CLI command. With MONGODB_URI set it is the deployment's; without, the
 * command runs against the `npm start` instance whose data folder (DATA_DIR, `./var` by default)
 * records its services, with that instance's demo signing key, so `npx govcert bureau list` works
 * beside a running demo with no setup.
 */
export function cliConfig(): Config {
  const env = processEnv();
  if (env.MONGODB_URI) {
    // CLI commands never use Redis unless given one; a placeholder keeps the shared validation happy.
    return loadConfig({ ...env, REDIS_URL: env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  }
  const dataDir = env.DATA_DIR ?? './var';
  const found = findRunningServices(dataDir);
  if (found.state === 'none') {
    throw new ConfigError([
      `MONGODB_URI: not set, and no running \`npm start\` recorded in ${dataDir}/${RUNNING_SERVICES_FILE}: start it, or set MONGODB_URI=mongodb://host:27017/<database>`,
    ]);
  }
  if (found.state === 'stale') {
    throw new ConfigError([
      `MONGODB_URI: not set, and the \`npm start\` recorded in ${dataDir}/${RUNNING_SERVICES_FILE} (pid ${found.services.pid}) is not running: start it again, or set MONGODB_URI`,
    ]);
  }
  const { mongodbUri, redisUrl, demo } = found.services;
  return loadConfig({
    ...env,
    DATA_DIR: dataDir,
    MONGODB_URI: mongodbUri,
    REDIS_URL: env.REDIS_URL ?? redisUrl,
    ...(demo ? { DEMO_MODE: 'true' } : {}),
  });
}
