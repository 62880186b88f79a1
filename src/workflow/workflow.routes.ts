import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import type { Response } from 'express';
import { roleHas, type Actor } from '../auth/index.js';
import { ForbiddenError, ValidationError } from '../platform/index.js';
import { respond } from './route-helpers.js';
import type { WorkflowIncident } from './workflow.types.js';
import { workflowViewSchema as response } from './workflow.responses.js';
import {
  assignBody,
  incidentParams,
  markingsBody,
  mergeBody,
  obligationBody,
  transitionBody,
} from './workflow.schemas.js';
import type { WorkflowServices } from './workflow-services.js';

/** The 409 every versioned change can meet: other writers kept moving the incident during the write. */
export const BUSY = 'The incident kept changing while the change was written (`busy`); retry.';

/**
 * Claim, assign, release, acknowledge, the lifecycle, merges and obligations: declarations only. Each
 * change is versioned (`ifMatch`) and answers the workflow view with the new ETag.
 */
export function workflowRoutes(s: WorkflowServices): AnyRoute[] {
  const tags = ['workflow'];
  const view = (res: Response, actor: Actor, incident: WorkflowIncident) =>
    respond(res, actor, incident, s.collaboration);
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/incidents/:id/workflow',
      permission: 'incident.read',
      summary: 'Workflow state of an incident (assignee, allowed next states, notes, tasks), with its ETag',
      tags,
      params: incidentParams,
      response,
      etag: true,
      handler: async ({ params, actor, res }) =>
        view(res, actor, await s.writer.read(s.scope(actor), params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/claim',
      permission: 'incident.work',
      summary: 'Claim the incident (409 when someone else holds it)',
      tags,
      params: incidentParams,
      ifMatch: true,
      response,
      errors: { 409: `Someone else holds it (\`already_claimed\`, \`details.assignee\`). ${BUSY}` },
      handler: async ({ params, actor, version, res }) =>
        view(res, actor, await s.workflow.claim(actor, params.id, version)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/assign',
      permission: 'incident.assign',
      summary: 'Assign the incident to a responder or lead (leads only)',
      tags,
      params: incidentParams,
      body: assignBody,
      ifMatch: true,
      response,
      errors: { 409: BUSY },
      handler: async ({ params, body, actor, version, res }) =>
        view(res, actor, await s.workflow.assign(actor, params.id, version, body.userId)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/release',
      permission: 'incident.work',
      summary: 'Give the incident back to its queue (the assignee or a lead)',
      tags,
      params: incidentParams,
      ifMatch: true,
      response,
      errors: {
        409: `Nobody holds it (\`not_claimed\`), or someone else does and you are not a lead (\`not_assignee\`). ${BUSY}`,
      },
      handler: async ({ params, actor, version, res }) =>
        view(res, actor, await s.workflow.release(actor, params.id, version)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/acknowledge',
      permission: 'incident.work',
      summary: 'Acknowledge the incident (meets the acknowledge clock)',
      tags,
      params: incidentParams,
      ifMatch: true,
      response,
      errors: { 409: `It cannot be acknowledged from its state (\`illegal_transition\`). ${BUSY}` },
      handler: async ({ params, actor, version, res }) =>
        view(res, actor, await s.workflow.acknowledge(actor, params.id, version)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/transitions',
      permission: 'incident.work',
      summary: 'Move the incident along its lifecycle (409 names the allowed next states)',
      tags,
      params: incidentParams,
      body: transitionBody,
      ifMatch: true,
      response,
      errors: {
        403: 'Moving to `duplicate` merges, which needs `incident.merge`.',
        409: `Not allowed from its state (\`illegal_transition\`, \`details.allowed\` lists the next states). ${BUSY}`,
        422:
          'Closing an S1/S2 without its post-incident review, or while a regulatory clock is still running ' +
          '(`details` names each as `notApplicable.<clock key>`: record its obligation, or send a reason ' +
          'in `notApplicable`); `notApplicable` on another move; rejecting without a `finding`; or ' +
          '`duplicate` without `mergeInto`.',
      },
      handler: async ({ params, body, actor, version, res }) => {
        if (body.to === 'duplicate') {
          if (!body.mergeInto)
            throw new ValidationError([
              { path: 'body.mergeInto', message: 'name the incident this one duplicates' },
            ]);
          if (actor.role === 'system' || !roleHas(actor.role, 'incident.merge')) throw new ForbiddenError();
          return view(res, actor, await s.merge.merge(actor, params.id, version, body.mergeInto));
        }
        const { to, finding, postIncident, notApplicable } = body;
        return view(
          res,
          actor,
          await s.workflow.transition(actor, params.id, version, {
            to,
            finding,
            postIncident,
            notApplicable,
          }),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/merge',
      permission: 'incident.merge',
      summary:
        'Merge this incident (a duplicate) into another; repeating the call completes a cut-short merge',
      tags,
      params: incidentParams,
      body: mergeBody,
      ifMatch: true,
      response,
      errors: {
        409: `The survivor is not open (\`survivor_not_open\`) or this one cannot be a duplicate now (\`illegal_transition\`). ${BUSY}`,
      },
      handler: async ({ params, body, actor, version, res }) =>
        view(res, actor, await s.merge.merge(actor, params.id, version, body.into)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/markings',
      permission: 'incident.work',
      // A report without markings is AMBER/AMBER; setting what is already set keeps the version.
      summary:
        'Set the incident’s TLP 2.0 and PAP (audited as `incident.markings_changed`; the same values change nothing)',
      tags,
      params: incidentParams,
      body: markingsBody,
      ifMatch: true,
      response,
      errors: { 409: BUSY },
      handler: async ({ params, body, actor, version, res }) =>
        view(res, actor, await s.markings.set(actor, params.id, version, { tlp: body.tlp, pap: body.pap })),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/obligations',
      permission: 'obligation.record',
      summary: 'Record an obligation done (report sent, Police reference); meets its clocks',
      tags,
      params: incidentParams,
      body: obligationBody,
      status: 201,
      ifMatch: true,
      response,
      errors: {
        403: 'A bureau records only the reports it owes (`report.*`): the CERT’s clocks are met by its actions.',
        409: BUSY,
        422:
          'No clock of the incident is met or started by that obligation (`body.obligation`, with `allowed` ' +
          'listing those the caller may record), it is met by an action (acknowledge, contain), or `at` is ' +
          'before the clock started, before the report’s bounds, or in the future (`body.at`).',
      },
      handler: async ({ params, body, actor, version, res }) => {
        const { version: _sent, ...input } = body;
        return view(res, actor, await s.obligations.record(actor, params.id, version, input));
      },
    }),
  ];
}
