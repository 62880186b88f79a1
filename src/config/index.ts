export { loadConfig, ConfigError } from './load-config.js';
export type { Config } from './load-config.js';
export { configSchema } from './schema.js';

/** The process environment, read here and nowhere else. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
