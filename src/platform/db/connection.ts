import type { Logger } from 'pino';
import { mongoose, type Connection, type mongo } from './mongoose.js';

/** Options of {@link connectMongo}. */
export interface ConnectOptions {
  /** Sees every command the driver sends (benchmarks count them); off unless given. */
  onCommand?: (event: mongo.CommandStartedEvent) => void;
  /** How long one operation may wait for its answer; 60 s unless given (a checker reading whole collections). */
  socketTimeoutMS?: number;
}

/** Opens a connection of our own (never the global one), so tests and tools can hold several. */
export async function connectMongo(
  uri: string,
  logger: Logger,
  options: ConnectOptions = {},
): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    // No operation may wait for ever: after a store restart, operations were seen to hang for good
    // (chaos runs), holding requests, relay passes and pool connections. Long reads come in batches,
    // each far below these bounds.
    socketTimeoutMS: options.socketTimeoutMS ?? 60_000,
    waitQueueTimeoutMS: 30_000,
    // FerretDB and standalone MongoDB have no retryable writes without a replica set.
    retryWrites: false,
    maxPoolSize: 50,
    monitorCommands: options.onCommand !== undefined,
  });
  const { onCommand } = options;
  if (onCommand) connection.getClient().on('commandStarted', onCommand);
  connection.on('error', (err: unknown) => {
    logger.warn({ err }, 'mongodb connection error');
  });
  await connection.asPromise();
  return connection;
}

/** True when the database answers a ping right now. */
export async function mongoReachable(connection: Connection, timeoutMs = 1500): Promise<boolean> {
  const db = connection.db;
  if (!db || connection.readyState !== mongoose.ConnectionStates.connected) return false;
  try {
    await Promise.race([
      db.command({ ping: 1 }),
      new Promise((_, reject) =>
        setTimeout(() => {
          reject(new Error('ping timeout'));
        }, timeoutMs).unref(),
      ),
    ]);
    return true;
  } catch {
    return false;
  }
}

/** Duplicate key (E11000). FerretDB does not say which index: callers must not depend on it. */
export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/**
 * The documents a bulk write refused, by their position in it, each with its own error; null when
 * the error is not a bulk write's refusal of some documents (the command itself failed).
 */
export function writeErrorsByIndex(err: unknown): Map<number, unknown> | null {
  const failures = (err as { writeErrors?: unknown } | null)?.writeErrors;
  if (failures === undefined || failures === null) return null;
  const list = (Array.isArray(failures) ? failures : [failures]) as Array<{
    index?: number;
    err?: { index?: number };
  }>;
  if (list.length === 0) return null;
  const refused = new Map<number, unknown>();
  for (const failure of list) {
    const index = failure.index ?? failure.err?.index;
    if (index === undefined) return null;
    refused.set(index, failure.err ?? failure);
  }
  return refused;
}

/**
 * The positions of the documents an unordered bulk insert refused, when it refused them only as
 * duplicates of stored ids (another writer came first: those stand, the rest went in); null when
 * any failure was something else, or the error is not a bulk write's.
 */
export function duplicateKeyIndexes(err: unknown): Set<number> | null {
  const refused = writeErrorsByIndex(err);
  if (!refused || [...refused.values()].some((failure) => !isDuplicateKeyError(failure))) return null;
  return new Set(refused.keys());
}

/**
 * True for an error that says the database was out of reach (connection closed or refused, no server
 * selected, a network timeout), not that the command was wrong: worth the same command again later.
 */
export function isDatabaseUnreachableError(err: unknown): boolean {
  return (
    err instanceof mongoose.mongo.MongoNetworkError || err instanceof mongoose.mongo.MongoServerSelectionError
  );
}

/**
 * Runs `step` again while the database is out of reach, for up to `patienceMs` (2 minutes by default),
 * pausing 0.5 s more each time (5 s at most). Only for steps that are safe to repeat.
 */
export async function retryWhileDatabaseAway(
  step: () => Promise<void>,
  logger: Logger,
  patienceMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + patienceMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await step();
      return;
    } catch (err) {
      if (!isDatabaseUnreachableError(err) || Date.now() >= deadline) throw err;
      logger.warn({ err: (err as Error).message, attempt }, 'database out of reach; retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 5000)));
    }
  }
}
