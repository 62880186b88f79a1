import type { ClockSpec, DecisionReason, OwedNotification, TriageDecision } from './triage-decision.types.js';

/** A decision as stored in its own record: the whole evaluation, with what it was made for. */
export interface TriageDecisionRecord extends TriageDecision {
  /** `<incidentId>-r<round>-<first 16 hex of inputHash>`. */
  id: string;
  incidentId: string;
  bureauId: string;
  round: number;
  inputHash: string;
  decidedAt: Date;
  /**
   * Every notification the incident owes as of this decision: those of the decision before it, then
   * the ones this decision adds (the dispatch requests them all, idempotently by key).
   */
  owed: OwedNotification[];
}

/** The id of the decision made for `incidentId` in `round` on input `inputHash`. */
export const decisionRecordId = (incidentId: string, round: number, inputHash: string): string =>
  `${incidentId}-r${round}-${inputHash.slice(0, 16)}`;

/** What readers of decisions take: the reasons of each named decision (absent ids: no record). */
export type DecisionReasonLookup = (ids: readonly string[]) => Promise<Map<string, DecisionReason[]>>;

/** A decision's reasons and the notifications owed as of it, as the incident views show them. */
export interface DecisionDetails {
  reasons: DecisionReason[];
  owed: OwedNotification[];
}

/** What the incident views take: each named decision's details (absent ids: no record). */
export type DecisionDetailsLookup = (ids: readonly string[]) => Promise<Map<string, DecisionDetails>>;

/** What the clocks take: the clock specs of the named decision, or null when it has no record. */
export type DecisionClockLookup = (decisionId: string) => Promise<ClockSpec[] | null>;

/**
 * The source under which a decision's audit events name their record for their reasons (see the audit
 * module's `DraftCompletion`); `DecisionRecords.reasonsForAudit` fills them in.
 */
export const DECISION_REASONS = 'triage-decision-reasons';
