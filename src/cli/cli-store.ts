import { userInfo } from 'node:os';
import { createAuditModule } from '../audit/index.js';
import {
  AUTH_COLLECTIONS,
  createAuthServices,
  oneShotKeyForgetting,
  systemActor,
  type Actor,
  type AuthServices,
} from '../auth/index.js';
import type { Config } from '../config/index.js';
import { assertAtomicWrites, connectMongo, type Connection } from '../platform/db/index.js';
import { knownRegimes, loadPolicy, type Policy } from '../triage/index.js';
import { cliConfig, cliLogger } from './cli-config.js';

/** What an admin command works with: the store, the same services the API uses, and the policy. */
export interface CliStore {
  config: Config;
  db: Connection;
  auth: AuthServices;
  /** The operator, as the audit trail names them. */
  actor: Actor;
  /** The policy in POLICY_DIR, loaded (and validated) on first use. */
  policy(): Policy;
}

/**
 * Opens the database of the configuration (see `cliConfig`), runs one admin command, then relays the
 * audit events it wrote into `collections`' outboxes, so the trail is complete even with no server
 * running. Auth collections are always relayed (every command may write bureaux, users or keys).
 */
export async function withStore(
  work: (store: CliStore) => Promise<void>,
  collections: readonly string[] = [],
): Promise<void> {
  const config = cliConfig();
  const logger = cliLogger();
  const db = await connectMongo(config.MONGODB_URI ?? '', logger);
  try {
    await assertAtomicWrites(db); // admin commands write bureaux and users by compare-and-set too
    let policy: Policy | undefined;
    const loaded = (): Policy => (policy ??= loadPolicy(config.POLICY_DIR));
    // Its writes make the API processes' verified keys forgotten at once (else by the recorded job).
    const auth = createAuthServices(db, () => knownRegimes(loaded()), {
      verified: null,
      forgetting: oneShotKeyForgetting(config.REDIS_URL ?? '', config.REDIS_PREFIX, logger),
    });
    await auth.init();
    await work({ config, db, auth, actor: systemActor(`cli:${userInfo().username}`), policy: loaded });
    const audit = createAuditModule({ db, config, logger });
    await audit.init();
    for (const collection of [...Object.values(AUTH_COLLECTIONS), ...collections]) {
      audit.relay.register(collection);
    }
    await audit.relay.relayNow();
  } finally {
    await db.close();
  }
}
