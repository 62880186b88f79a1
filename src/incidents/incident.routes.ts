import { defineRoute, etagOf, type AnyRoute } from '../platform/http/index.js';
import type { IncidentIntakeService } from './incident-intake.service.js';
import {
  createIncidentSchema,
  incidentIdParams,
  incidentListQuery,
  incidentPageSchema,
  incidentUpdateSchema,
  incidentViewSchema,
} from './incident.schemas.js';
import type { IncidentService } from './incident.service.js';

export interface IncidentRouteDeps {
  intake: IncidentIntakeService;
  incidents: IncidentService;
}

/** The incident API: declarations only; scoping and rules live in the services below. */
export function incidentRoutes(deps: IncidentRouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents',
      permission: 'incident.create',
      summary: 'Report an incident (honours Idempotency-Key)',
      tags: ['incidents'],
      body: createIncidentSchema,
      response: incidentViewSchema,
      status: 201,
      headers: {
        'Idempotency-Key':
          'Any 1-200 visible ASCII characters unique to this report: a retry with the same key and body ' +
          'answers the first incident again instead of filing a second (422 with another body).',
      },
      errors: {
        400: 'The Idempotency-Key is not 1-200 visible ASCII characters (`bad_idempotency_key`).',
        409: 'The bureau is deactivated and files no new reports (`bureau_deactivated`).',
      },
      handler: async ({ body, actor, req, res }) => {
        const view = await deps.intake.create(actor, body, req.get('idempotency-key'));
        res.location(`/api/v1/incidents/${view.id}`);
        return view;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/incidents',
      permission: 'incident.read',
      summary: 'List incidents, newest first, with filters and a cursor',
      tags: ['incidents'],
      query: incidentListQuery,
      response: incidentPageSchema,
      handler: ({ query, actor }) => deps.incidents.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/incidents/:id',
      permission: 'incident.read',
      summary: 'Read one incident',
      tags: ['incidents'],
      params: incidentIdParams,
      response: incidentViewSchema,
      etag: true,
      handler: async ({ params, actor, res }) => {
        const view = await deps.incidents.get(actor, params.id);
        // The workflow's changes send this back as If-Match (a stale one is a 412).
        res.setHeader('ETag', etagOf(view.revision));
        return view;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/updates',
      permission: 'incident.update',
      summary: 'Append follow-up facts to an incident (history kept)',
      tags: ['incidents'],
      params: incidentIdParams,
      body: incidentUpdateSchema,
      response: incidentViewSchema,
      status: 201,
      errors: {
        409:
          'The incident is closed, rejected or merged and takes only a `note` (`incident_final`), holds as ' +
          'many updates as it may (`incident_limit`), or kept changing (`update_conflict`; retry).',
      },
      handler: ({ params, body, actor }) => deps.incidents.addUpdate(actor, params.id, body),
    }),
  ];
}
