import type {
  ClockMilestones,
  NotificationRequest,
  RecordedObligation,
  WithClocks,
} from '../clocks/index.js';
import type { Incident, IncidentDocumentChange } from '../incidents/index.js';

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
   * The triage decision whose clock specs the clocks are to follow (triage writes it); the clock
   * record says which one they follow now, and the next clock write merges a newer one in.
   */
  clocksDecisionId: string | null;
  /** When the incident first entered the states that start or stop clocks (the clocks follow them). */
  milestones: ClockMilestones;
  /** At closing: clocks marked not applicable, with the reason (a list: clock keys hold dots). */
  notApplicable: Array<{ clock: string; reason: string }>;
  /**
   * Earliest due time of a running clock, as projected from the clock record (sequence `seq`) for the
   * queues; `urgencyAt` is it, or the far future when nothing runs: the queue's sort key, nulls last.
   */
  urgency: { dueAt: Date | null; seq: number };
  urgencyAt: Date;
  /** Mails the incident's own writes queued (a rejection notice), handed over by the clock `sync`. */
  notificationOutbox: NotificationRequest[];
}

/** An incident as the workflow stores it: without its clocks, which are a record of their own. */
export type StoredWorkflowIncident = Omit<Incident, 'clocks' | 'pendingAudit' | 'clocksDecisionId'> &
  WorkflowFields;

/**
 * An incident as the workflow reads it: the stored incident joined with its clock record (`clocks`
 * holds bare triage specs only while a first decision's clocks were not started; `decidedClocks` are
 * the specs of a decision not merged yet, read from its record).
 */
export type WorkflowIncident = WithClocks<StoredWorkflowIncident>;

/**
 * One conditional single-document update with its audit events and the jobs it causes (the incidents
 * module's document change). Every workflow write is something a responder sees: it moves the
 * revision (the ETag).
 */
export type WorkflowChange = IncidentDocumentChange;

/** Far-future urgency for incidents without a running clock (the clocks module's). */
export { NO_DEADLINE } from '../clocks/index.js';
