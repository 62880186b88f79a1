/**
 * Clocks: the rules of deadlines and escalation, their timers, the service that brings an incident's
 * clocks up to now, its worker and reconciler, and the ports it reads and writes through (the
 * incidents' clocks, the notifications).
 */
export { CLOCK_STATES, MAX_ESCALATIONS, MAX_CLOCK_HISTORY } from './clock.types.js';
export type {
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
export { planClocks, type ClockInput, type ClockPlan } from './clock-plan.js';
export { clockChanges, NO_DEADLINE } from './clock-changes.js';
export { planDecisionClocks, type DecidedClocks, type DecisionClocks } from './decision-clocks.js';
export { isBureauObligation, MET_BY_STATE, metByAction, recordableBy } from './obligation-owner.js';
export type { CalendarSet } from './calendar/index.js';
export { ClockTimers, clockWriteJobs } from './clock-timers.js';
export {
  StoredNotificationRequests,
  notificationIdFor,
  type NotificationRequests,
  type NotificationRequestInput,
} from './notification-requests.js';
export { clockFields, currentClocks, type ClockFields } from './clock-fields.js';
export type { ClockStore, ClockedIncident, ClockWrite, NotificationRequest } from './clock-store.js';
export { ClockService, type CatchUpOptions, type CatchUpResult } from './clock.service.js';
export { ClockReconciler, type ClockReconcilerOptions } from './clock-reconciler.js';
export { clockWorker } from './clock.worker.js';
