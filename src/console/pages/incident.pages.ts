import { z } from 'zod';
import { roleHas } from '../../auth/index.js';
import type { IncidentService } from '../../incidents/index.js';
import { definePage, type AnyPage } from '../page.js';
import { clockName } from './clock-name.js';

export interface IncidentPageDeps {
  incidents: Pick<IncidentService, 'get'>;
}

const params = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });

/**
 * The incident page mails link to (`/console/incidents/:id`): the incident as the person's role may
 * see it, through the same service as the API, so another bureau's incident is the same 404.
 */
export function incidentPages(deps: IncidentPageDeps): AnyPage[] {
  return [
    definePage({
      method: 'get',
      path: '/console/incidents/:id',
      permission: 'incident.read',
      params,
      handler: async ({ actor, params: { id }, lang }) => {
        // CERT staff work the incident on the responders' page (work.pages.ts): same address in mails.
        if (actor.role !== 'system' && roleHas(actor.role, 'queue.read'))
          return { redirect: `/console/incidents/${id}/work` };
        // A bureau's reporter follows the same address to the bureau portal's page of the incident.
        if (actor.role === 'reporter') return { redirect: `/console/my-incidents/${id}` };
        const incident = await deps.incidents.get(actor, id);
        const facts = incident.facts as { title?: unknown; description?: unknown };
        return {
          view: 'incidents/show',
          title: 'incident.title',
          titleValues: { ref: incident.ref },
          data: {
            incident: {
              ref: incident.ref,
              title: typeof facts.title === 'string' ? facts.title : incident.ref,
              description: typeof facts.description === 'string' ? facts.description : '',
              status: incident.status,
              severity: incident.severity ?? null,
              bureauId: incident.bureauId,
              reportedAt: incident.reportedAt,
              clocks: incident.clocks.map((clock) => ({
                name: clockName(clock, lang),
                regime: clock.regime,
                dueAt: clock.dueAt ?? null,
              })),
            },
          },
        };
      },
    }),
  ];
}
