import type { Logger } from 'pino';
import { mongoose, type Connection, type mongo } from './mongoose.js';

/** Options of {@link connectMongo}. */
export interface ConnectOptions {
  /** Sees every command the driver sends (benchmarks count them); off unless given. */
  onCommand?: (event: mongo.CommandStartedEvent) => void;
}

/** Opens a connection of our own (never the global one), so tests and tools can hold several. */
export async function connectMongo(
  uri: string,
  logger: Logger,
  options: ConnectOptions = {},
): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
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
