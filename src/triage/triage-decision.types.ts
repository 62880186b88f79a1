import type { TlpLevel } from '../platform/index.js';
import type { CalendarSpan, Span } from '../clocks/calendar/index.js';

/** Severities, most severe first: S1 is the top of the matrix. */
export const SEVERITIES = ['S1', 'S2', 'S3', 'S4'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** ENISA Reference Security Incident Taxonomy (RSIT) top-level classes. */
export const RSIT_CLASSES = [
  'abusive-content',
  'malicious-code',
  'information-gathering',
  'intrusion-attempts',
  'intrusions',
  'availability',
  'information-content-security',
  'fraud',
  'vulnerable',
  'other',
  'test',
] as const;
export type RsitClass = (typeof RSIT_CLASSES)[number];

/** The incident time a clock counts from; `triaged` is the evaluation time (`now`). */
export const CLOCK_STARTS = [
  'aware',
  'reported',
  'first_report',
  'resolved',
  'contained',
  'classified_major',
  'ransom_paid',
  'triaged',
] as const;
export type ClockStart = (typeof CLOCK_STARTS)[number];

/**
 * A clock's start: an incident time, or `met` (chained): when another obligation is recorded as done,
 * the first record or the latest one (a DORA final report counts from the latest intermediate report).
 */
export type ClockStartsFrom = ClockStart | 'met';
export const CHAIN_RECORDS = ['first', 'latest'] as const;
export interface ClockChain {
  obligation: string;
  record: (typeof CHAIN_RECORDS)[number];
}

export const REPEAT_UNTIL = ['closed', 'service_restored'] as const;

/** One deadline the incident carries, as decided by the policy. */
export interface ClockSpec {
  /** Stable key, `<pack>.<clock>`, e.g. `hk-gov.initial-report`; the clock's identity across re-triage. */
  key: string;
  name: string;
  /** The name in Traditional Chinese; absent on clocks decided before it was in the policy (show `name`). */
  nameZh?: string;
  /** Regime that imposes it, e.g. `HK-GOV`. */
  regime: string;
  /** What meets it, e.g. `report.giro.initial`. */
  obligation: string;
  startsFrom: ClockStartsFrom;
  /** For `startsFrom: met`: the obligation whose record starts this clock. */
  after?: ClockChain;
  /** Present when the start time is known (the incident time, or `now` for `triaged`). */
  startsAt?: Date;
  /** A fixed length; absent when the length is business days or months (`duration`). */
  durationSeconds?: number;
  /** A length in business days or calendar months, counted in `zone` (and `calendar`). */
  duration?: CalendarSpan;
  /** A fixed warning lead; 0 when none or when it is given in business days or months (`warnBefore`). */
  warnBeforeSeconds: number;
  warnBefore?: CalendarSpan;
  /**
   * IANA zone the days and months are counted in (the pack's: `Asia/Hong_Kong` for Hong Kong regimes).
   * Absent on clocks decided before calendar counting: fixed seconds need no zone.
   */
  zone?: string;
  /** Business-day calendar id (`hk`) for business-day lengths. */
  calendar?: string;
  /**
   * A second deadline the due time never passes, counted from another incident time (DORA: 4 h after
   * classification as major, and never later than 24 h after awareness). `dueAt` is set when that start is known.
   */
  cap?: { startsFrom: ClockStart; after: Span; dueAt?: Date };
  dueAt?: Date;
  /** Absent when there is no warning. */
  warnAt?: Date;
  /**
   * Recurring obligation: after the first due time, due again `everySeconds` (or `every`, in months or
   * business days) after each occurrence is met, until `until`.
   */
  repeat?: { everySeconds?: number; every?: CalendarSpan; until: (typeof REPEAT_UNTIL)[number] };
  /**
   * When the report was filed through this system, for a clock the policy says that filing meets
   * (`metByFiling`: the report filed here is the initial report to GIRO-SO). The clock rules meet the
   * clock's first occurrence at this time as soon as it runs.
   */
  filedAt?: Date;
}

/** Someone to notify because of this incident (the mail itself is rendered elsewhere). */
export interface NotificationSpec {
  /** Stable key, `<pack>.<notification>`. */
  key: string;
  /** Recipient party, e.g. `giro-so`, `pcpd`, `police-cstcb`, `reporting-bureau`. */
  to: string;
  template: string;
  /** TLP label the policy gives the party's mail. */
  tlp: TlpLevel;
  regime: string;
  /** True when the law or the policy requires it; false for voluntary notifications. */
  mandatory: boolean;
  /** Key of the clock that times this notification, if any. */
  clock?: string;
}

/**
 * A notification the incident owes: a spec as the decision that first called for it stored it. Its
 * outcome is its notification's (the notifications module's); `status` stays as stored (`pending`,
 * or an outcome an earlier version wrote, which the dispatch then leaves settled).
 */
export interface OwedNotification extends Omit<NotificationSpec, 'tlp' | 'clock'> {
  /** Absent on notifications stored before routes had one. */
  tlp?: TlpLevel;
  clock: string | null;
  status: 'pending' | 'sent' | 'failed' | 'cancelled';
  /** The policy version of the decision that first called for it. */
  policyVersion: string;
  createdAt: Date;
}

/** One rung of the escalation ladder chosen for the incident. */
export interface EscalationStep {
  /** Stable key, `<pack>.<ladder>.<level>`. */
  key: string;
  ladder: string;
  /** 1-based rung; breach steps use 0. */
  level: number;
  /** `elapsed`: fires `afterSeconds` after `startsFrom` while open; `clock_breach`: when any clock breaches. */
  trigger: 'elapsed' | 'clock_breach';
  startsFrom?: ClockStart;
  afterSeconds: number;
  repeatEverySeconds?: number;
  /** Roles to notify, e.g. `system-manager`, `isirt-commander`, `cert-lead`, `duty-officer`. */
  notify: string[];
}

/** Why the decision is what it is: one entry per matched rule. */
export interface DecisionReason {
  /** `<pack>/<section>/<rule id>`. */
  rule: string;
  detail: string;
}

/** Output of {@link evaluatePolicy}; stored and audited together with `policyVersion`. */
export interface TriageDecision {
  policyVersion: string;
  severity: Severity;
  categoryClass: RsitClass;
  reportable: boolean;
  queue: string;
  /** Regimes of the packs applied, default pack first. */
  regimes: string[];
  clocks: ClockSpec[];
  notifications: NotificationSpec[];
  escalation: EscalationStep[];
  reasons: DecisionReason[];
}

/** What a first triage decision knows of the clocks it starts. */
export interface DecidedClocks {
  incidentId: string;
  bureauId: string;
  ref: string;
  decisionId: string;
  clocks: ClockSpec[];
  ladder: EscalationStep[];
  severity: string | null;
}
