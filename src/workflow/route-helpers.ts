import type { Response } from 'express';
import type { Actor } from '../auth/index.js';
import { etagOf } from '../platform/http/index.js';
import { toWorkflowView } from './workflow.view.js';
import type { WorkflowIncident } from './workflow.types.js';

/** The view of `incident` for `actor`, with its ETag set: the next change sends it back as If-Match. */
export function respond(res: Response, actor: Actor, incident: WorkflowIncident): unknown {
  res.setHeader('ETag', etagOf(incident.revision));
  return toWorkflowView(incident, actor);
}
