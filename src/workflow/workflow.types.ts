import type { AuditDraft } from '../audit/index.js';
import type { JobIntent } from '../platform/index.js';
import type { IncidentClock, NotificationRequest, RecordedObligation } from '../clocks/index.js';
import type { Incident } from '../incidents/index.js';
import type { ClockSpec } from '../triage/index.js';

/** Someone an incident or task is given to. */
export interface Assignee {
  userId: string;
  name: string;
  role: string;
}

/** A responder's note; notes are appended, never edited. */
export interface IncidentNote {
  noteId: string;
  at: Date;
  by: Assignee;
  text: string;
}

/** A piece of work on the incident. */
export interface IncidentTask {
  taskId: string;
  title: string;
  assignee: Assignee | null;
  dueAt: Date | null;
  done: boolean;
  doneAt: Date | null;
  createdAt: Date;
  createdBy: Assignee;
}

/** Another incident this one is linked to (same attacker, same system...). */
export interface IncidentLink {
  id: string;
  ref: string;
  reason: string | null;
  at: Date;
  by: Assignee;
}

/**
 * The responders' working record of one incident: its notes, tasks and links, kept beside the incident
 * in a document of their own (`incident_worklogs`, id = the incident's), so adding to it neither
 * rewrites the incident nor moves the version (ETag) responders hold on it.
 */
export interface IncidentWorklog {
  incidentId: string;
  notes: IncidentNote[];
  tasks: IncidentTask[];
  links: IncidentLink[];
  /** The worklog's own version: 0 while it has never been written (no document yet). */
  revision: number;
}

/** The worklog of an incident nothing was added to yet. */
export const emptyWorklog = (incidentId: string): IncidentWorklog => ({
  incidentId,
  notes: [],
  tasks: [],
  links: [],
  revision: 0,
});

/** One side of a merge of duplicates. */
export interface MergeRef {
  id: string;
  ref: string;
  at: Date;
}

/** Post-incident fields (SM02 post-incident actions); required before closing S1 and S2. */
export interface PostIncident {
  rootCause?: string;
  lessonsLearnt?: string;
  /** Estimated cost in HKD. */
  cost?: number;
  /** People affected (staff + citizens), as finally assessed. */
  affectedPeople?: number;
  perpetratorType?: string;
  motivation?: string;
}

/** A notification waiting in the incident's outbox (the clocks' type), written in the same update as its cause. */
export type { NotificationRequest } from '../clocks/index.js';

/** The workflow's fields on the incident document (absent on a fresh report; defaults on read). */
export interface WorkflowFields {
  assignee: Assignee | null;
  claimedAt: Date | null;
  acknowledgedAt: Date | null;
  mergedInto: MergeRef | null;
  merged: MergeRef[];
  postIncident: PostIncident;
  finding: string | null;
  obligations: RecordedObligation[];
  /**
   * The triage decision whose clock specs `clocks` follow. When the decision in force differs (a
   * re-triage), its specs are merged in by the next clock write (the `sync` job it recorded).
   */
  clocksDecisionId: string | null;
  /** Clock events already acted on (exactly-once guard; survives re-triage). */
  clockEvents: string[];
  /** Bumped by every clock write; clock writes do not bump `revision` (the responder's version). */
  clockSeq: number;
  /** Job ids of the delayed timers this incident should have. */
  clockTimers: string[];
  /** Earliest due time of a running clock (denormalised for the queues). */
  nextDueAt: Date | null;
  /** `nextDueAt`, or the far future when nothing runs: the queue's sort key, nulls last. */
  urgencyAt: Date;
  notificationOutbox: NotificationRequest[];
}

/**
 * An incident as the workflow reads it. `clocks` holds bare triage specs only while a first decision's
 * clocks were not started; `decidedClocks` are the specs of a decision not merged yet, read from its
 * record with the incident (never stored on it).
 */
export type WorkflowIncident = Omit<Incident, 'clocks' | 'pendingAudit'> &
  WorkflowFields & { clocks: Array<ClockSpec | IncidentClock>; decidedClocks: ClockSpec[] | null };

/** What a write expects to find: the responder's version and the clock sequence it computed from. */
export interface Expectation {
  revision: number;
  clockSeq: number;
}

/** One conditional single-document update with its audit events. */
export interface WorkflowChange {
  set?: Record<string, unknown>;
  push?: Record<string, unknown[]>;
  addToSet?: Record<string, unknown[]>;
  /** Bump `revision` (a change a responder must see), `clockSeq` (clock progress), or both. */
  bump: { revision: boolean; clockSeq: boolean };
  /** Extra conditions checked with the expectation: a claim needs the incident still unassigned, a
   * clock write needs its event keys still absent. */
  guard?: { unassigned?: true; eventsAbsent?: readonly string[] };
  audit: AuditDraft[];
  /** The jobs the change causes (its timers, the hand-over of the mails it queued), recorded with it. */
  jobs?: JobIntent[];
}

/** Far-future urgency for incidents without a running clock (the clocks module's). */
export { NO_DEADLINE } from '../clocks/index.js';
