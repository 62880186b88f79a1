export { healthRoutes } from './health.routes.js';
export type { ReadinessProbe } from './health.routes.js';
export { echoWorker } from './echo.worker.js';
