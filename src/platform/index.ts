export * from './errors.js';
export { runWithContext, currentContext } from './context.js';
export type { RequestContext } from './context.js';
export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
export { createMetrics } from './metrics.js';
export type { Metrics } from './metrics.js';
export { Periodic, pauseAfter, type PeriodicOptions } from './periodic.js';
export { formatTable } from './text-table.js';
