import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import { respond, respondWith } from './route-helpers.js';
import {
  queuePageSchema,
  queueSummariesSchema,
  timelineSchema,
  workflowViewSchema,
} from './workflow.responses.js';
import { BUSY } from './workflow.routes.js';
import {
  incidentParams,
  linkBody,
  noteBody,
  postIncidentBody,
  queuePageQuery,
  queueParams,
  taskBody,
  taskParams,
  taskPatchBody,
} from './workflow.schemas.js';
import type { WorkflowServices } from './workflow-services.js';

/** The 409s of what adds to a list of the incident: its size limits, or other writers. */
const LIMITED = `The incident holds as many of these as it may (\`incident_limit\`). ${BUSY}`;

/** Notes, tasks, links, the post-incident review, the timeline and the team queues. */
export function collaborationRoutes(s: WorkflowServices): AnyRoute[] {
  const tags = ['workflow'];
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/queues',
      permission: 'queue.read',
      summary: 'Team queues: open incidents by severity, the oldest, the next due clock',
      tags: ['queues'],
      response: queueSummariesSchema,
      handler: async () => ({ items: await s.queues.summaries() }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/queues/:queue/incidents',
      permission: 'queue.read',
      summary: "A queue's incidents, earliest running deadline first, then severity",
      tags: ['queues'],
      params: queueParams,
      query: queuePageQuery,
      response: queuePageSchema,
      handler: ({ params, query }) => s.queues.page(params.queue, query.limit, query.offset),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/incidents/:id/timeline',
      // Reporters too: they get their bureau's share of it (no notes, nothing of the CERT's internals).
      permission: 'incident.read',
      summary:
        'Everything that happened to the incident (and duplicates merged into it), oldest first; a bureau gets its share',
      tags,
      params: incidentParams,
      response: timelineSchema,
      handler: async ({ params, actor }) => ({ items: await s.timeline.timeline(actor, params.id) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/notes',
      permission: 'incident.work',
      summary: 'Add a note (checked against the If-Match version; the incident’s ETag does not change)',
      tags,
      params: incidentParams,
      body: noteBody,
      status: 201,
      ifMatch: true,
      response: workflowViewSchema,
      errors: { 409: LIMITED },
      handler: async ({ params, body, actor, version, res }) =>
        respondWith(res, actor, await s.collaboration.addNote(actor, params.id, version, body.text)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/tasks',
      permission: 'incident.work',
      summary: 'Add a task (assignee, due time; the incident’s ETag does not change)',
      tags,
      params: incidentParams,
      body: taskBody,
      status: 201,
      ifMatch: true,
      response: workflowViewSchema,
      errors: { 409: LIMITED, 422: 'The assignee is not a known user.' },
      handler: async ({ params, body, actor, version, res }) => {
        const { version: _sent, ...task } = body;
        return respondWith(res, actor, await s.collaboration.addTask(actor, params.id, version, task));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/incidents/:id/tasks/:taskId',
      permission: 'incident.work',
      summary: 'Change a task: done, assignee, due time, title (the incident’s ETag does not change)',
      tags,
      params: taskParams,
      body: taskPatchBody,
      ifMatch: true,
      response: workflowViewSchema,
      errors: { 409: BUSY, 422: 'The assignee is not a known user.' },
      handler: async ({ params, body, actor, version, res }) => {
        const { version: _sent, ...patch } = body;
        const updated = await s.collaboration.updateTask(actor, params.id, version, params.taskId, patch);
        return respondWith(res, actor, updated);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/links',
      permission: 'incident.work',
      summary: 'Link another incident to this one (the incident’s ETag does not change)',
      tags,
      params: incidentParams,
      body: linkBody,
      status: 201,
      ifMatch: true,
      response: workflowViewSchema,
      errors: { 409: LIMITED, 422: 'The incident would link to itself.' },
      handler: async ({ params, body, actor, version, res }) => {
        return respondWith(
          res,
          actor,
          await s.collaboration.link(actor, params.id, version, body.incidentId, body.reason),
        );
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/incidents/:id/post-incident',
      permission: 'incident.work',
      summary: 'Fill in the post-incident review (needed before closing S1/S2)',
      tags,
      params: incidentParams,
      body: postIncidentBody,
      ifMatch: true,
      response: workflowViewSchema,
      errors: { 409: BUSY },
      handler: async ({ params, body, actor, version, res }) => {
        const { version: _sent, ...fields } = body;
        return respond(
          res,
          actor,
          await s.collaboration.setPostIncident(actor, params.id, version, fields),
          s.collaboration,
        );
      },
    }),
  ];
}
