/** The triage worker side (intake's half of triage): service, BullMQ processor, reconciler. */
export {
  TriageService,
  type DecisionClockStarter,
  type QueueRowFiler,
  type TriageOutcome,
} from './triage.service.js';
export { triageWorker } from './triage.worker.js';
export { TriageReconciler, type TriageReconcilerOptions } from './triage-reconciler.js';
export { DecisionRecords } from './decision-records.service.js';
export type { TriageStore } from './triage-store.js';
