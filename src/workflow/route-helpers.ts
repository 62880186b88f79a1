import type { Response } from 'express';
import type { Actor } from '../auth/index.js';
import { etagOf } from '../platform/http/index.js';
import type { CollaborationService, WorkedIncident } from './collaboration.service.js';
import { toWorkflowView } from './workflow.view.js';
import type { IncidentWorklog, WorkflowIncident } from './workflow.types.js';

/** Where a view reads the incident's worklog (notes, tasks, links). */
export type WorklogSource = Pick<CollaborationService, 'worklogOf'>;

/**
 * The view of `incident` for `actor`, with its ETag set: the next change sends it back as If-Match.
 * Reporters' views hold no worklog, so theirs costs no read of it.
 */
export async function respond(
  res: Response,
  actor: Actor,
  incident: WorkflowIncident,
  worklogs: WorklogSource,
): Promise<unknown> {
  const worklog = actor.role === 'reporter' ? null : await worklogs.worklogOf(incident.id);
  return respondWith(res, actor, { incident, worklog });
}

/** {@link respond} with the worklog already at hand (a note, task or link write returns it). */
export function respondWith(
  res: Response,
  actor: Actor,
  worked: WorkedIncident | { incident: WorkflowIncident; worklog: IncidentWorklog | null },
): unknown {
  res.setHeader('ETag', etagOf(worked.incident.revision));
  return toWorkflowView(worked.incident, worked.worklog, actor);
}
