import type { ClockSpec, DecisionReason, TriageDecision } from './triage-decision.types.js';

/** A decision as stored in its own record: the whole evaluation, with what it was made for. */
export interface TriageDecisionRecord extends TriageDecision {
  /** `<incidentId>-r<round>-<first 16 hex of inputHash>`. */
  id: string;
  incidentId: string;
  bureauId: string;
  round: number;
  inputHash: string;
  decidedAt: Date;
}

/** The id of the decision made for `incidentId` in `round` on input `inputHash`. */
export const decisionRecordId = (incidentId: string, round: number, inputHash: string): string =>
  `${incidentId}-r${round}-${inputHash.slice(0, 16)}`;

/** What readers of decisions take: the reasons of each named decision (absent ids: no record). */
export type DecisionReasonLookup = (ids: readonly string[]) => Promise<Map<string, DecisionReason[]>>;

/** What the clocks take: the clock specs of the named decision, or null when it has no record. */
export type DecisionClockLookup = (decisionId: string) => Promise<ClockSpec[] | null>;
