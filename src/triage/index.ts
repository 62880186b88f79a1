/**
 * Triage: policy packs and their pure evaluation. The only public surface of `src/triage`.
 */
export { triageInputSchema, CATEGORIES, type TriageInput, type Category } from './triage-input.js';
export {
  SEVERITIES,
  RSIT_CLASSES,
  CLOCK_STARTS,
  type ClockStartsFrom,
  type ClockChain,
  type Severity,
  type RsitClass,
  type ClockStart,
  type ClockSpec,
  type NotificationSpec,
  type EscalationStep,
  type DecisionReason,
  type OwedNotification,
  type TriageDecision,
  type DecidedClocks,
} from './triage-decision.types.js';
export type { Policy, PolicyPack } from './policy.types.js';
export {
  DECISION_REASONS,
  decisionRecordId,
  type TriageDecisionRecord,
  type DecisionReasonLookup,
  type DecisionClockLookup,
  type DecisionDetails,
  type DecisionDetailsLookup,
} from './decision-record.js';
export { loadPolicy, policyVersion } from './policy.loader.js';
export { PolicyLoadError, formatIssue, type PolicyIssue } from './policy-load.error.js';
export { evaluatePolicy, activeRegimes } from './policy.evaluator.js';
export { policyQueues } from './routing.evaluator.js';
export {
  policyRoutes,
  knownRegimes,
  queueWarningRoute,
  type PolicyRoute,
  type PolicyRouteOptions,
} from './policy-routes.js';
export {
  runPolicyTests,
  compareDecision,
  type PolicyTestReport,
  type PolicyTestCaseResult,
  type ExpectationDiff,
} from './policy-test.runner.js';
export {
  simulateDecisions,
  type SimulationResult,
  type ChangedDecision,
  type DecisionChange,
} from './policy-simulation.js';
export { diffDecisions, type FieldDifference } from './decision-diff.js';
export { parseDuration, formatDuration } from './duration.parser.js';
export { parseSpan, formatSpan } from './duration.parser.js';
export { timedClock, durationOf, repeatSpanOf, NO_DEADLINE } from './clock-deadline.js';
export { chainStart, type MetObligation } from './clock.evaluator.js';
