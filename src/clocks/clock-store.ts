import type { ClockSpec, EscalationStep, Severity } from '../triage/index.js';
import type { ClockMilestones } from './clock-facts.js';
import type { ClockRecord } from './clock-record.js';
import type { IncidentClock, RecordedObligation } from './clock.types.js';

export type { NotificationRequest } from './clock.types.js';

/**
 * What the clock rules read of an incident, from the incident (its owner, the workflow, provides it):
 * the decision whose clocks it follows, the obligations recorded, the milestones and closure the
 * clocks are derived from, and whether it is still open.
 */
export interface ClockFacts {
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
  /** The triage decision whose clock specs the clocks are to follow (triage names it). */
  clocksDecisionId: string | null;
  obligations: RecordedObligation[];
  milestones: ClockMilestones;
  facts: { times: { containedAt?: Date | string | null; resolvedAt?: Date | string | null } };
  /** At closing: the clocks marked not applicable, with the reason (a list: clock keys hold dots). */
  notApplicable: Array<{ clock: string; reason: string }>;
  /** The responder's version (clock writes never move it). */
  revision: number;
  /** The earliest due time the incident carries for the queues, and the record's `seq` it came from. */
  urgency: { dueAt: Date | null; seq: number };
}

/**
 * An incident with its clocks: the facts joined with the clock record (under the names the readers of
 * incidents know), and the specs of a decision the record has not merged yet.
 */
export interface ClockedIncident extends ClockFacts {
  clocks: Array<ClockSpec | IncidentClock>;
  /** The specs of a decision not merged yet, read from its record with the clocks. */
  decidedClocks: ClockSpec[] | null;
  /** Clock events already acted on (exactly-once guard). */
  clockEvents: string[];
  /** Job ids of the delayed timers the clocks should have. */
  clockTimers: string[];
  /** The clock record's sequence (0: none stored yet). */
  clockSeq: number;
  /** The earliest due time of a running clock, as the record has it. */
  nextDueAt: Date | null;
  clockRecord: ClockRecord;
}

/**
 * The incidents the clocks follow (the workflow's): the clock service and reconciler read the facts
 * through this port and tell it what a clock write changed for the queues, so the clock rules, their
 * records, service, worker and reconciler live together here without knowing the workflow's storage.
 */
export interface ClockStore<F extends ClockFacts = ClockFacts> {
  /** The incident's facts, whatever its bureau; null when missing. */
  find(id: string): Promise<F | null>;
  /** The facts of these incidents that exist, in one read. */
  findMany(ids: readonly string[]): Promise<F[]>;
  /** Whether the incident's lifecycle still runs clocks (not closed, rejected or merged). */
  isOpen(incident: F): boolean;
  /**
   * After a clock write (or a reconciler pass): the incident's urgency for the queues, when the
   * record's earliest due time moved (a write that never moves the revision), and its index rows.
   */
  settled(incident: F & ClockedIncident): Promise<void>;
  /** Hands the mails the incident's own writes queued (a rejection notice) to the notifications. */
  flushOutbox(incident: F): Promise<void>;
}
