export { freePort, startService } from './process.js';
export type { ManagedProcess, ServiceOptions } from './process.js';
export { startRedisServer } from './redis-server.js';
export { startFerretDb, ensureFerretDbBinary, ferretDbBuilt } from './ferretdb.js';
export {
  findRunningServices,
  forgetRunningServices,
  recordRunningServices,
  RUNNING_SERVICES_FILE,
} from './running-services.js';
export type { RunningServices, RunningServicesLookup } from './running-services.js';
