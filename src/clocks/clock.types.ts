import type { ClockSpec, ClockStart, EscalationStep } from '../triage/index.js';

/** Where a clock stands. `pending`: its start event is not known yet. */
export const CLOCK_STATES = ['pending', 'running', 'met', 'breached', 'not_applicable'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

/** One rung climbed for an open obligation: step 0 is the breach notice, then the ladder's levels. */
export interface ClockEscalation {
  step: number;
  at: Date;
  /** `breach`, `level-<n>` or `reminder`. */
  tier: string;
  /** Roles told, e.g. `cert-lead`, `duty-officer`. */
  notified: string[];
  occurrence: number;
  /**
   * Reminders this entry stands for, when more than one: a catch-up that found several reminders
   * overdue records them as one entry (tier `reminders-missed`), and a full list folds new reminders
   * into its last entry. It covers steps `step - missed + 1` to `step`.
   */
  missed?: number;
}

/** A finished occurrence of a repeating clock, kept when the next one starts. */
export interface ClockOccurrence {
  occurrence: number;
  startsAt: Date | null;
  dueAt: Date | null;
  state: ClockState;
  metAt: Date | null;
  breachedAt: Date | null;
}

/**
 * A clock as stored on the incident (`clocks[]`): the triage spec plus its progress. The field names
 * are shared with the reports module; keep them.
 */
export interface IncidentClock extends ClockSpec {
  state: ClockState;
  metAt: Date | null;
  breachedAt: Date | null;
  escalations: ClockEscalation[];
  /** Repeat count, 0 for the first deadline. */
  occurrence: number;
  history?: ClockOccurrence[];
  /** Finished occurrences no longer in `history` (it keeps the latest {@link MAX_CLOCK_HISTORY}). */
  historyDropped?: number;
  /**
   * The highest reminder step taken in this occurrence: reminders are counted here rather than
   * keyed one by one in `clockEvents`, so an incident breached for months keeps a bounded document.
   */
  reminderStep?: number;
  /** Escalation entries no longer in `escalations` (it keeps the latest {@link MAX_ESCALATIONS}). */
  escalationsDropped?: number;
  /**
   * Why a responder marked it not applicable when closing the incident, and when (who is in the
   * audit event). Absent on clocks that stopped by rule (a repeat ended, an incident rejected).
   */
  notApplicable?: { reason: string; at: Date };
}

/** Most entries one clock keeps in `escalations`; later reminders fold into the last entry. */
export const MAX_ESCALATIONS = 50;
/** Most finished occurrences one repeating clock keeps in `history`. */
export const MAX_CLOCK_HISTORY = 50;

/** An obligation recorded on the incident (`obligations[]`). */
export interface RecordedObligation {
  obligation: string;
  at: Date;
  recordedBy: { userId: string; role: string; bureauId: string | null };
  reference?: string;
  note?: string;
}

/** What the clock rules need to know about the incident around the clocks. */
export interface ClockContext {
  incidentId: string;
  severity: string | null;
  /** The ladder triage chose for the severity (`triage.escalation`). */
  ladder: EscalationStep[];
  /** False once the incident is closed, rejected or merged: escalation stops. */
  open: boolean;
  /** Keys of clock events already acted on (`clockEvents`), the exactly-once guard. */
  done: ReadonlySet<string>;
}

/** Something a clock does at a point in time. */
export type ClockEventKind = 'warning' | 'breach' | 'escalation';

/** A clock event the rules found due; applying it is guarded by its `key`. */
export interface ClockEvent {
  key: string;
  kind: ClockEventKind;
  clockKey: string;
  occurrence: number;
  at: Date;
  /** For escalations: the step number (0 is the breach notice). */
  step: number;
  tier: string;
  notify: string[];
  /** For a reminder: how many reminders it stands for (a catch-up after a long gap sends one). */
  missed?: number;
}

/** A delayed job to have at a time: `kind` as the clocks queue knows it. */
export interface ClockTimer {
  clockKey: string;
  kind: 'warning' | 'due' | 'escalation' | 'repeat';
  at: Date;
}

/** Incident times a clock can start from, when a responder records them. */
export type StartEvent = Extract<
  ClockStart,
  'contained' | 'resolved' | 'aware' | 'reported' | 'first_report'
>;

/** A notification a clock event (or a status change) owes, queued with the write that caused it. */
export interface NotificationRequest {
  notificationId: string;
  kind: 'clock-warning' | 'breach-notice' | 'escalation-alert' | 'status-update';
  template: string;
  recipients: string[];
  data: Record<string, unknown>;
  createdAt: Date;
}
