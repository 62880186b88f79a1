import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../../src/config/index.js';
import {
  auditDraft,
  createAuditModule,
  type AuditDraft,
  type AuditModule,
  type RelayOptions,
} from '../../../src/audit/index.js';
import { connectMongo, type ConnectOptions, type Connection } from '../../../src/platform/db/index.js';
import { createLogger, systemActor, type Logger } from '../../../src/platform/index.js';
import { createRedis } from '../../../src/platform/queue/index.js';

/** An audit module on its own connection to `mongodbUri`, with a fixed signing key when given. */
export async function openAudit(
  mongodbUri: string,
  env: Record<string, string> = {},
  redisUrl?: string,
  options: { relay?: RelayOptions; onCommand?: ConnectOptions['onCommand']; logger?: Logger } = {},
): Promise<{ module: AuditModule; db: Connection; close: () => Promise<void> }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: mongodbUri,
    REDIS_URL: 'redis://127.0.0.1:1',
    ...env,
  });
  const logger = options.logger ?? createLogger('silent');
  const db = await connectMongo(
    mongodbUri,
    logger,
    options.onCommand ? { onCommand: options.onCommand } : {},
  );
  // With Redis, appenders of several processes take turns through the append lease.
  const redis = redisUrl ? createRedis(redisUrl, 'producer', logger) : undefined;
  const module = createAuditModule(
    { db, config, logger, ...(redis ? { redis } : {}) },
    {
      sweepMs: 100,
      ...options.relay,
    },
  );
  await module.init();
  return {
    module,
    db,
    close: async () => {
      for (const loop of module.background) await loop.stop();
      await db.close();
      redis?.disconnect();
    },
  };
}

/** A draft about incident `incidentId`, by a system actor. */
export function draftFor(
  incidentId: string,
  action = 'incident.noted',
  data: Record<string, unknown> = {},
): AuditDraft {
  return auditDraft(
    systemActor('test'),
    action,
    { type: 'incident', id: incidentId },
    { data: { ...data, nonce: randomUUID() } },
  );
}
