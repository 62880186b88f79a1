import { mongoose } from './mongoose.js';
export { mongoose } from './mongoose.js';
export type { Connection, Model, Types, mongo } from './mongoose.js';
export {
  connectMongo,
  mongoReachable,
  isDatabaseUnreachableError,
  isDuplicateKeyError,
  duplicateKeyIndexes,
  retryWhileDatabaseAway,
  type ConnectOptions,
} from './connection.js';

/** Marks an operator object we built ourselves (not from a request) so sanitizeFilter keeps it. */
export const trusted = <T>(filter: T): T => mongoose.trusted<T>(filter);
export { updateIf, type WriteGuard } from './conditional-write.js';
export {
  readDecideWrite,
  versionIs,
  WriteContentionError,
  type Decision,
  type ReadDecideWriteSteps,
} from './read-decide-write.js';
export { assertAtomicWrites, storeContractBreach, StoreContractError } from './write-atomicity.js';
export { inBatches } from './batches.js';
export { GroupInsert } from './group-insert.js';
export { GroupRead, idSlices } from './group-read.js';
export { GroupCommit, type GroupCommitSteps, type Waiting } from './group-commit.js';
export { runMigrations, type Migration, type MigrationOutcome } from './migrations.js';
