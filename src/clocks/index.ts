/**
 * Clocks: the rules of deadlines and escalation, their timers, the service that brings an incident's
 * clocks up to now, its worker and reconciler, and the ports it reads and writes through (the
 * incidents' clocks, the notifications).
 */
export { CLOCK_STATES, MAX_ESCALATIONS, MAX_CLOCK_HISTORY } from './clock.types.js';
export type {
  NotificationRequest,
  ClockState,
  ClockEscalation,
  ClockOccurrence,
  IncidentClock,
  RecordedObligation,
  ClockContext,
  ClockEvent,
  ClockEventKind,
  ClockTimer,
  StartEvent,
} from './clock.types.js';
export {
  timed,
  fromSpec,
  isBareSpec,
  startedClocks,
  startClocks,
  meetClocks,
  stopClocks,
  reconcileClocks,
  meetFiled,
  nextDueAt,
} from './clock-rules.js';
export { owedAtClose, closeClocks } from './clock-closure.js';
export {
  dueEvents,
  applyEvents,
  appendEscalations,
  nextTimer,
  eventKey,
  timerJobId,
  REMINDER,
  REMINDERS_MISSED,
} from './clock-events.js';
export { planClocks, derivedClocks, type ClockInput, type ClockPlan } from './clock-plan.js';
export { factsOfNewIncident, type ClockMilestones, type ClockFactInput } from './clock-facts.js';
export { CLOCK_RECORDS_COLLECTION, type ClockRecord } from './clock-record.js';
export type { LegacyClockFields, LegacyClockSource } from './clock-records.migration.js';
export { ClockReads, clockPartOf, type WithClocks } from './clock-reads.js';
export { clockChanges, NO_DEADLINE } from './clock-changes.js';
export { planDecisionClocks, type DecidedClocks, type FirstClocks } from './decision-clocks.js';
export { isBureauObligation, MET_BY_STATE, metByAction, recordableBy } from './obligation-owner.js';
export type { CalendarSet } from './calendar/index.js';
export { ClockTimers, clockWriteJobs, clockSyncJob } from './clock-timers.js';
export {
  StoredNotificationRequests,
  notificationIdFor,
  type NotificationRequests,
  type NotificationRequestInput,
} from './notification-requests.js';
export { clockFactInput, currentClocks } from './clock-fields.js';
export type { ClockStore, ClockFacts, ClockedIncident } from './clock-store.js';
export { ClockService, type CatchUpOptions, type CatchUpResult } from './clock.service.js';
export { ClockReconciler, type ClockReconcilerOptions } from './clock-reconciler.js';
export { clockWorker } from './clock.worker.js';
export { createClocksModule, clockMigrations, type ClocksDeps, type ClocksModule } from './clocks.module.js';
