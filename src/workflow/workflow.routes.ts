import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import { roleHas } from '../auth/index.js';
import { ForbiddenError, ValidationError } from '../platform/errors.js';
import { respond, versionOf } from './route-helpers.js';
import { expectedVersion } from './version.js';
import { assignBody, incidentParams, mergeBody, obligationBody, transitionBody } from './workflow.schemas.js';
import type { WorkflowServices } from './workflow.module.js';

/** Claim, assign, release, acknowledge, the lifecycle, merges and obligations: declarations only. */
export function workflowRoutes(s: WorkflowServices): AnyRoute[] {
  const tags = ['workflow'];
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/incidents/:id/workflow',
      permission: 'incident.read',
      summary: 'Workflow state of an incident (assignee, allowed next states, notes, tasks), with its ETag',
      tags,
      params: incidentParams,
      handler: async ({ params, actor, res }) =>
        respond(res, actor, await s.writer.read(s.scope(actor), params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/claim',
      permission: 'incident.work',
      summary: 'Claim the incident (409 when someone else holds it)',
      tags,
      params: incidentParams,
      handler: async ({ params, actor, req, res }) =>
        respond(res, actor, await s.workflow.claim(actor, params.id, versionOf(req))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/assign',
      permission: 'incident.assign',
      summary: 'Assign the incident to a responder or lead (leads only)',
      tags,
      params: incidentParams,
      body: assignBody,
      handler: async ({ params, body, actor, req, res }) =>
        respond(
          res,
          actor,
          await s.workflow.assign(actor, params.id, expectedVersion(req, body.version), body.userId),
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/release',
      permission: 'incident.work',
      summary: 'Give the incident back to its queue (the assignee or a lead)',
      tags,
      params: incidentParams,
      handler: async ({ params, actor, req, res }) =>
        respond(res, actor, await s.workflow.release(actor, params.id, versionOf(req))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/acknowledge',
      permission: 'incident.work',
      summary: 'Acknowledge the incident (meets the acknowledge clock)',
      tags,
      params: incidentParams,
      handler: async ({ params, actor, req, res }) =>
        respond(res, actor, await s.workflow.acknowledge(actor, params.id, versionOf(req))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/transitions',
      permission: 'incident.work',
      summary: 'Move the incident along its lifecycle (409 names the allowed next states)',
      tags,
      params: incidentParams,
      body: transitionBody,
      handler: async ({ params, body, actor, req, res }) => {
        const version = expectedVersion(req, body.version);
        if (body.to === 'duplicate') {
          if (!body.mergeInto)
            throw new ValidationError([
              { path: 'body.mergeInto', message: 'name the incident this one duplicates' },
            ]);
          if (actor.role === 'system' || !roleHas(actor.role, 'incident.merge')) throw new ForbiddenError();
          return respond(res, actor, await s.merge.merge(actor, params.id, version, body.mergeInto));
        }
        const { to, finding, postIncident } = body;
        return respond(
          res,
          actor,
          await s.workflow.transition(actor, params.id, version, { to, finding, postIncident }),
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
      handler: async ({ params, body, actor, req, res }) =>
        respond(
          res,
          actor,
          await s.merge.merge(actor, params.id, expectedVersion(req, body.version), body.into),
        ),
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
      handler: async ({ params, body, actor, req, res }) => {
        const { version, ...input } = body;
        return respond(
          res,
          actor,
          await s.obligations.record(actor, params.id, expectedVersion(req, version), input),
        );
      },
    }),
  ];
}
