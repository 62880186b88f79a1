export { createRedis, redisReachable } from './connection.js';
export type { RedisRole } from './connection.js';
export { QueueRegistry, DEFAULT_JOB_OPTIONS } from './registry.js';
export { startWorker, drainWorkers } from './worker.js';
export type { WorkerSpec, WorkerDeps } from './worker.js';
