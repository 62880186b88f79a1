import type { PapLevel, TlpLevel } from '../platform/index.js';
import type { AuditDraft } from '../audit/index.js';
import type {
  DecisionReason,
  EscalationStep,
  OwedNotification,
  Severity,
  TriageDecision,
} from '../triage/index.js';
import type { CreateIncidentInput } from './incident-report.schema.js';
import type { Indicator } from './indicator.normaliser.js';

/** The lifecycle states (the workflow module owns the transitions after `triaged`). */
export const INCIDENT_STATUSES = [
  'reported',
  'triaged',
  'acknowledged',
  'investigating',
  'contained',
  'eradicated',
  'recovered',
  'closed',
  'rejected',
  'duplicate',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** States in which an incident still counts for indicator matching. */
export const CLOSED_STATUSES: readonly IncidentStatus[] = ['closed', 'rejected', 'duplicate'];

/** The facts of a report as they stand now: the original report with every follow-up applied. */
export type IncidentFacts = Omit<
  CreateIncidentInput,
  'bureauId' | 'indicators' | 'externalNotified' | 'tlp' | 'pap'
>;
export type ExternalNotified = CreateIncidentInput['externalNotified'][number];

/** Who did something, as stored on the incident (the audit trail holds the full actor). */
export interface ActorRef {
  userId: string;
  name: string;
  role: string;
}

/** One follow-up, kept for ever: the facts it changed, what it added, and whether triage re-ran. */
export interface IncidentUpdate {
  updateId: string;
  at: Date;
  by: ActorRef;
  note: string | null;
  /** Fact fields as sent (partial objects merged into `facts`). */
  facts: Partial<IncidentFacts>;
  indicatorsAdded: Indicator[];
  externalNotified: ExternalNotified[];
  material: boolean;
}

/**
 * The short summary of the decision in force; `inputHash` makes a re-run with the same input and
 * policy a no-op. The whole decision, reasons included, is its own record (`decisionId`, triage's
 * `triage_decisions`). The ladder stays here; the clocks, which follow it, are a record of their own.
 */
export interface IncidentTriage {
  decisionId: string;
  policyVersion: string;
  inputHash: string;
  round: number;
  decidedAt: Date;
  severity: Severity;
  categoryClass: TriageDecision['categoryClass'];
  reportable: boolean;
  queue: string;
  regimes: string[];
  escalation: EscalationStep[];
  relatedBureauxCount: number;
}

/**
 * A notification the incident owes (the triage decision record's list, as of the decision in force).
 * The notifications module requests and sends it and owns its outcome: the API shows the
 * notification's own status in place of the one stored with the spec.
 */
export type IncidentNotification = OwedNotification;

/**
 * Possible campaign: other bureaux' open incidents sharing indicators. CERT eyes only: it never feeds
 * the severity, clocks, reasons or mails the bureau sees, and writing it never moves the revision.
 */
export interface CampaignLink {
  relatedIncidentIds: string[];
  indicators: string[];
  flaggedAt: Date;
  /** Compare-and-set counter of the link's own writes (absent on links stored before it). */
  version?: number;
  /** Other bureaux with open incidents sharing indicators, when triage last matched this incident. */
  relatedBureauxCount?: number;
  /** CERT-side priority: the severity the policy gives with the other bureaux counted; null if none. */
  priority?: Severity | null;
  /** The policy's reasons for `priority` that the bureau-facing decision does not have. */
  priorityReasons?: DecisionReason[];
}

/** An incident as the repository returns it (plain object, ids as strings). */
export interface Incident {
  id: string;
  ref: string;
  year: number;
  seq: number;
  bureauId: string;
  status: IncidentStatus;
  severity: Severity | null;
  /** Who may receive what is known of the incident (TLP 2.0); set at report, changed by responders. */
  tlp: TlpLevel;
  /** What recipients may do with it (PAP). */
  pap: PapLevel;
  facts: IncidentFacts;
  indicators: Indicator[];
  externalNotified: ExternalNotified[];
  /** The bureau's follow-ups applied: records `<id>-u1` to `<id>-u<updateCount>` (`incident_updates`). */
  updateCount: number;
  reportedBy: ActorRef;
  reportedAt: Date;
  triage: IncidentTriage | null;
  triagedAt: Date | null;
  /** Triage rounds asked for; the job of round n > 0 has id `<id>-r<n>`. */
  triageRound: number;
  /** True from the report (or a material update) until the worker has stored the matching decision. */
  triagePending: boolean;
  /**
   * The triage decision whose clock specs the incident's clocks are to follow (triage names it; the
   * clocks are a record of their own, which the clock service brings in line with it).
   */
  clocksDecisionId?: string | null;
  campaign: CampaignLink | null;
  /** Bumped by every write: conditional updates use it to detect a concurrent change. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
  pendingAudit: AuditDraft[];
}
