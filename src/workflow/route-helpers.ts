import type { Request, Response } from 'express';
import type { Actor } from '../auth/index.js';
import { parseOrThrow } from '../platform/http/index.js';
import { etagOf, expectedVersion } from './version.js';
import { versionOnly } from './workflow.schemas.js';
import { toWorkflowView } from './workflow.view.js';
import type { WorkflowIncident } from './workflow.types.js';

/** The view of `incident` for `actor`, with its ETag set: the next change sends it back as If-Match. */
export function respond(res: Response, actor: Actor, incident: WorkflowIncident): unknown {
  res.setHeader('ETag', etagOf(incident.revision));
  return toWorkflowView(incident, actor);
}

/** The version of a body-less action (claim, release...): If-Match, or `{ "version": n }` if a body came. */
export function versionOf(req: Request): number {
  const body: unknown = req.is('application/json') ? req.body : undefined;
  const parsed = body === undefined ? {} : parseOrThrow(versionOnly, body, 'body');
  return expectedVersion(req, parsed.version);
}
