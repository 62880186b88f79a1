/** Responder workflow: queues, claims, the lifecycle, notes and tasks, merges, obligations, clock work. */
export { createWorkflowModule, workflowMigrations } from './workflow.module.js';
export type { WorkflowModule, WorkflowDeps, WorkflowServices } from './workflow.module.js';
export {
  TRANSITIONS,
  LIFECYCLE_STATES,
  FINAL_STATES,
  allowedNext,
  canTransition,
  isOpen,
} from './lifecycle.js';
export { REQUIRED_TO_CLOSE, REVIEWED_SEVERITIES, closeProblems } from './close-requirements.js';
export { QUEUED_STATUSES } from './workflow-incidents.js';
export type { QueueRow } from './queue-row.js';
export type { QueueSummary, QueuePage, FilteredQueuePage } from './queue.service.js';
export type { QueueFilter } from './queue-index.js';
export type { TimelineEntry, AuditReader } from './timeline.service.js';
export type { UserDirectory, TransitionInput } from './workflow.service.js';
export type { CatchUpResult, ClockReconcilerOptions } from '../clocks/index.js';
export type { WorkflowView, BureauWorkflowView } from './workflow.view.js';
export { NO_DEADLINE } from './workflow.types.js';
export type * from './workflow.types.js';
