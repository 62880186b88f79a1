export { freePort, startService } from './process.js';
export type { ManagedProcess } from './process.js';
export { startRedisServer } from './redis-server.js';
export { startFerretDb, ensureFerretDbBinary } from './ferretdb.js';
