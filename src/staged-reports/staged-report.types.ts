/**
 * Staged reports: the written reports a bureau owes (preliminary, interim, post-incident, Cap. 653
 * written report...), one per occurrence of one of the incident's bureau clocks (`report.*`). Each
 * submission is a version of its own, inserted and never rewritten; the CERT's review sets its state.
 */

/** What the CERT made of one version: waiting, being read, accepted, or sent back with a comment. */
export const REVIEW_STATES = ['submitted', 'under_review', 'accepted', 'revision_requested'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/**
 * Where a report the bureau owes stands, as the bureau and the CERT see it: `due`, `overdue` and
 * `not_started` come from the clock (nothing submitted yet), and `recorded` when the clock was met
 * without a written report (by phone, or recorded by the CERT); the others from the latest version.
 * Whether the clock was met late is told apart (`late`), since a late report can still be accepted.
 */
export const STAGED_REPORT_STATUSES = [
  'not_started',
  'due',
  'overdue',
  'recorded',
  'submitted',
  'under_review',
  'accepted',
  'revision_requested',
] as const;
export type StagedReportStatus = (typeof STAGED_REPORT_STATUSES)[number];

/** What the other side is mailed about: a version sent (to the CERT), or decided on (to the bureau). */
export type StagedReportMailEvent = 'submitted' | 'accepted' | 'revision_requested';

/** A post-incident or final report also asks for the root cause and the lessons learnt. */
export type StagedReportKind = 'progress' | 'final';

/** What the bureau writes in a report; `rootCause` and `lessonsLearnt` belong to a final report. */
export interface StagedReportContent {
  whatHappened: string;
  impact: string;
  actionsTaken: string;
  nextSteps: string | null;
  rootCause: string | null;
  lessonsLearnt: string | null;
}

/** Who did something, as the audit trail names them. */
export interface StagedReportPerson {
  userId: string;
  name: string;
  role: string;
}

/** The CERT's decision on a version. */
export interface StagedReportReview {
  state: Exclude<ReviewState, 'submitted'>;
  at: Date;
  by: StagedReportPerson;
  comment: string | null;
}

/** The clock a version met (or, for a later version, the one its first version met), as it stood then. */
export interface MetClock {
  key: string;
  dueAt: Date | null;
  metAt: Date | null;
  /** True when it was met after its due time (the clock breached first). */
  late: boolean;
  /** False when the clock had been met before this report (by phone, or recorded by the CERT). */
  metByThisReport: boolean;
}

/** One version of a staged report, as stored. */
export interface StagedReport extends StagedReportContent {
  id: string;
  incidentId: string;
  incidentRef: string;
  bureauId: string;
  obligation: string;
  /** The clock's name when it was submitted (`Preliminary written report to GIRO-SO`). */
  name: string;
  /** Its Chinese name then, when the policy gave one (absent on reports sent before it did). */
  nameZh?: string;
  kind: StagedReportKind;
  /** Which occurrence of a repeating clock it is for (0 for the first and for clocks that do not repeat). */
  occurrence: number;
  /** 1 for the first submission, then one more per revision. */
  version: number;
  /** When the bureau reported it to the regulator or GIRO-SO by other means, if it did. */
  reportedAt: Date | null;
  /** Their reference for it, if any. */
  reference: string | null;
  submittedAt: Date;
  submittedBy: StagedReportPerson;
  clock: MetClock;
  state: ReviewState;
  review: StagedReportReview | null;
}

/** What a bureau sends: the obligation, which occurrence (the due one when absent), and the report. */
export interface SubmissionInput {
  obligation: string;
  occurrence?: number;
  whatHappened: string;
  impact: string;
  actionsTaken: string;
  nextSteps?: string;
  rootCause?: string;
  lessonsLearnt?: string;
  reportedAt?: Date;
  reference?: string;
}

/** A CERT decision on the latest version. */
export type ReviewInput =
  | { decision: 'under_review' }
  | { decision: 'accepted'; comment?: string }
  | { decision: 'revision_requested'; comment: string };

/**
 * One report the bureau owes or has sent, for one occurrence of a bureau clock: its status, its due
 * time and every version sent so far (newest last).
 */
export interface OwedReport {
  obligation: string;
  name: string;
  /** The clock's Chinese name, when the policy gave one (clocks stored before it have none). */
  nameZh?: string;
  regime: string;
  kind: StagedReportKind;
  occurrence: number;
  /** The clock repeats (interim reports): rows are numbered. */
  repeats: boolean;
  dueAt: Date | null;
  status: StagedReportStatus;
  /** The clock of this occurrence was met after its due time. */
  late: boolean;
  /** The clock of this occurrence is met (on time or late). */
  met: boolean;
  /** The bureau may submit now: nothing sent yet for a running clock, or a revision was asked for. */
  open: boolean;
  versions: StagedReport[];
}
