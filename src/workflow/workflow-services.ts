import type { Actor, Scope } from '../auth/index.js';
import type { ClockReads, ClockReconciler, ClockService } from '../clocks/index.js';
import type { CollaborationService } from './collaboration.service.js';
import type { MarkingsService } from './markings.service.js';
import type { MergeService } from './merge.service.js';
import type { ObligationService } from './obligation.service.js';
import type { QueueService } from './queue.service.js';
import type { TimelineService } from './timeline.service.js';
import type { WorkflowService } from './workflow.service.js';
import type { WorkflowWriter } from './workflow-writer.js';

/**
 * The workflow's services (routes, tests and tools use them). Apart from the module that assembles
 * them, so the routes can name them without importing the assembly that imports the routes.
 */
export interface WorkflowServices {
  writer: WorkflowWriter;
  workflow: WorkflowService;
  collaboration: CollaborationService;
  merge: MergeService;
  markings: MarkingsService;
  obligations: ObligationService;
  timeline: TimelineService;
  queues: QueueService;
  clocks: ClockService;
  /** The clocks of incidents, from their records (the incident API and reports read them here). */
  clockReads: ClockReads;
  reconciler: ClockReconciler;
  scope(actor: Actor): Scope;
}
