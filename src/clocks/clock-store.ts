import type { AuditDraft } from '../audit/index.js';
import type { ClockSpec, EscalationStep, Severity } from '../triage/index.js';
import type { ClockTimer, IncidentClock, RecordedObligation } from './clock.types.js';

/** A notification a clock event (or a status change) owes, queued with the write that caused it. */
export interface NotificationRequest {
  notificationId: string;
  kind: 'clock-warning' | 'breach-notice' | 'escalation-alert' | 'status-update';
  template: string;
  recipients: string[];
  data: Record<string, unknown>;
  createdAt: Date;
}

/**
 * What the clock rules read of an incident: its clocks and what they follow (the decision in force,
 * its ladder, the obligations recorded, whether the incident is still open), and the two counters a
 * clock write is conditional on. The workflow's incident is one.
 */
export interface ClockedIncident {
  id: string;
  ref: string;
  bureauId: string;
  status: string;
  severity: Severity | null;
  triage: {
    decisionId: string;
    policyVersion: string;
    queue: string;
    escalation: EscalationStep[];
  } | null;
  /** Bare triage specs only while a first decision's clocks were not started. */
  clocks: Array<ClockSpec | IncidentClock>;
  /** The specs of a decision not merged yet, read from its record with the incident. */
  decidedClocks: ClockSpec[] | null;
  clocksDecisionId: string | null;
  /** Clock events already acted on (exactly-once guard). */
  clockEvents: string[];
  /** Job ids of the delayed timers the incident should have. */
  clockTimers: string[];
  obligations: RecordedObligation[];
  /** The responder's version: clock writes are conditional on it but never move it. */
  revision: number;
  /** Moved by every clock write. */
  clockSeq: number;
}

/**
 * One clock write: the fields stored with the clocks, the mails the events owe, the timers the clocks
 * need (recorded as jobs with the write), their audit events.
 */
export interface ClockWrite {
  set: Record<string, unknown>;
  requests: NotificationRequest[];
  timers: ClockTimer[];
  /** Event keys that must still be absent (two workers never both apply one step). */
  eventsAbsent: readonly string[];
  audit: AuditDraft[];
}

/**
 * Where the clocks are kept (the workflow's incidents): the clock service and reconciler read and
 * write through this port, so the clock rules, their service, worker and reconciler live together
 * here without knowing the workflow's storage.
 */
export interface ClockStore<I extends ClockedIncident = ClockedIncident> {
  /** The incident, whatever its bureau, with a newer decision's clock specs; null when missing. */
  find(id: string): Promise<I | null>;
  /** Whether the incident's lifecycle still runs clocks (not closed, rejected or merged). */
  isOpen(incident: I): boolean;
  /**
   * Writes the clocks on the revision and clock sequence read, moving the sequence only; null when the
   * incident moved in between.
   */
  writeClocks(incident: I, write: ClockWrite): Promise<I | null>;
  /** After a clock write: the incident's rows in the Redis indexes. */
  after(written: I): Promise<void>;
  /** Hands the mails a write queued on the incident to the notifications, and clears them. */
  flushOutbox(incident: I): Promise<void>;
  /** Files the incident's queue row again. */
  reindex(incident: I): Promise<void>;
  /** Every incident with clocks, in batches (the reconciler's pass). */
  withClocks(batch: number): AsyncGenerator<I[]>;
}
