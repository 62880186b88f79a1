export * from './errors.js';
export { runWithContext, currentContext } from './context.js';
export type { RequestContext } from './context.js';
export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
export { createMetrics } from './metrics.js';
export type { Metrics } from './metrics.js';
export type { Background, PlatformDeps } from './deps.js';
export { Periodic, pauseAfter, pauseAfterPass, type PeriodicOptions } from './periodic.js';
export { PublicUrl } from './public-url.js';
export { settlesWithin, valueWithin } from './deadlines.js';
export { formatTable } from './text-table.js';
export { hkWallClock, toDate, utcSeconds } from './hk-time.js';
export * from './markings.js';
// The shared vocabulary of who acts and what they may do: every module speaks it, so it lives in the
// kernel rather than in auth (which the kernel's route definitions would otherwise import).
export { scopeOf, systemActor, ALL_SCOPE, type Actor, type Scope } from './actor.js';
export {
  ROLES,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  roleHas,
  type Role,
  type Permission,
  type RoutePermission,
} from './permissions.js';
export { PENDING_JOBS_FIELD, jobIntent, parseStoredIntent, type JobIntent } from './job-outbox.js';
export { SharedTurn, loopTurn } from './shared-turn.js';
export { RequestPressure } from './request-pressure.js';
