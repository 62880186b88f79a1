import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/index.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { isolatedUrls } from './services.js';

/** Log lines a test can inspect (parsed pino JSON). */
export class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
  /** Lines at error level (50) or above. */
  errors(): Array<Record<string, unknown>> {
    return this.lines.filter((line) => Number(line.level) >= 50);
  }
}

/** The test configuration: isolated database and queue prefix, any free port, quiet logs. */
export function testConfig(
  label: string,
  overrides: Record<string, string> = {},
): { config: Config; urls: { mongodbUri: string; redisUrl: string } } {
  const urls = isolatedUrls(label);
  const config = loadConfig({
    NODE_ENV: 'test',
    HTTP_PORT: '0',
    MONGODB_URI: urls.mongodbUri,
    REDIS_URL: urls.redisUrl,
    REDIS_PREFIX: urls.prefix,
    LOG_LEVEL: 'info',
    ...overrides,
  });
  return { config, urls };
}

export interface TestRuntime extends Runtime {
  url: string;
  logs: LogCapture;
}

/** Starts the whole system (API and workers) on the shared services, isolated by names. */
export async function startTestRuntime(
  label: string,
  overrides: Record<string, string> = {},
): Promise<TestRuntime> {
  const { config, urls } = testConfig(label, overrides);
  return startConfiguredRuntime(config, urls);
}

/** Starts the whole system on a configuration from `testConfig` (a test that prepares its database first). */
export async function startConfiguredRuntime(
  config: Config,
  urls: ReturnType<typeof testConfig>['urls'],
): Promise<TestRuntime> {
  const logs = new LogCapture();
  const runtime = await startRuntime(config, createLogger(config.LOG_LEVEL, logs), urls);
  if (!runtime.url) throw new Error('API not started');
  return Object.assign(runtime, { url: runtime.url, logs });
}
