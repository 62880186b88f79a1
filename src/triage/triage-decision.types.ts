import type { TlpLevel } from '../advisories/advisory.types.js';

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
  'triaged',
] as const;
export type ClockStart = (typeof CLOCK_STARTS)[number];

export const REPEAT_UNTIL = ['closed', 'service_restored'] as const;

/** One deadline the incident carries, as decided by the policy. */
export interface ClockSpec {
  /** Stable key, `<pack>.<clock>`, e.g. `hk-gov.initial-report`; the clock's identity across re-triage. */
  key: string;
  name: string;
  /** Regime that imposes it, e.g. `HK-GOV`. */
  regime: string;
  /** What meets it, e.g. `report.giro.initial`. */
  obligation: string;
  startsFrom: ClockStart;
  /** Present when the start time is known (the incident time, or `now` for `triaged`). */
  startsAt?: Date;
  durationSeconds: number;
  warnBeforeSeconds: number;
  dueAt?: Date;
  /** Absent when `warnBeforeSeconds` is 0. */
  warnAt?: Date;
  /** Recurring obligation: after the first due time, due again every `everySeconds` until `until`. */
  repeat?: { everySeconds: number; until: (typeof REPEAT_UNTIL)[number] };
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
