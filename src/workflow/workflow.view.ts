import type { Actor } from '../auth/index.js';
import { allowedNext } from './lifecycle.js';
import { emptyWorklog, type IncidentWorklog, type WorkflowIncident } from './workflow.types.js';

/** What a reporter sees after recording an obligation: status, version, clocks and obligations. */
export interface BureauWorkflowView {
  id: string;
  ref: string;
  status: WorkflowIncident['status'];
  revision: number;
  clocks: WorkflowIncident['clocks'];
  obligations: WorkflowIncident['obligations'];
}

/** The responder's view of the workflow state of an incident. */
export interface WorkflowView extends BureauWorkflowView {
  severity: WorkflowIncident['severity'];
  queue: string | null;
  tlp: WorkflowIncident['tlp'];
  pap: WorkflowIncident['pap'];
  allowedNext: readonly string[];
  assignee: WorkflowIncident['assignee'];
  claimedAt: Date | null;
  acknowledgedAt: Date | null;
  nextDueAt: Date | null;
  notes: IncidentWorklog['notes'];
  tasks: IncidentWorklog['tasks'];
  links: IncidentWorklog['links'];
  merged: WorkflowIncident['merged'];
  mergedInto: WorkflowIncident['mergedInto'];
  postIncident: WorkflowIncident['postIncident'];
  finding: string | null;
}

/**
 * Field by field, so nothing internal (outbox, ledger, timers) leaks; reporters get the bureau view.
 * The notes, tasks and links are the incident's worklog's (null: none was read, so none shown).
 */
export function toWorkflowView(
  incident: WorkflowIncident,
  worklog: IncidentWorklog | null,
  actor: Actor,
): WorkflowView | BureauWorkflowView {
  const bureau: BureauWorkflowView = {
    id: incident.id,
    ref: incident.ref,
    status: incident.status,
    revision: incident.revision,
    clocks: incident.clocks,
    obligations: incident.obligations,
  };
  if (actor.role === 'reporter') return bureau;
  const work = worklog ?? emptyWorklog(incident.id);
  return {
    ...bureau,
    severity: incident.severity,
    queue: incident.triage?.queue ?? null,
    tlp: incident.tlp,
    pap: incident.pap,
    allowedNext: allowedNext(incident.status),
    assignee: incident.assignee,
    claimedAt: incident.claimedAt,
    acknowledgedAt: incident.acknowledgedAt,
    nextDueAt: incident.nextDueAt,
    notes: work.notes,
    tasks: work.tasks,
    links: work.links,
    merged: incident.merged,
    mergedInto: incident.mergedInto,
    postIncident: incident.postIncident,
    finding: incident.finding,
  };
}
