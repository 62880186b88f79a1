import { z } from 'zod';
import { INCIDENT_STATUSES as STATUSES, type IncidentService } from '../../incidents/index.js';
import { SEVERITIES } from '../../triage/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage } from '../page.js';
import { nextBureauDeadline, timeLeft } from './portal-deadlines.js';
import { clockName } from './clock-name.js';

export interface PortalIncidentsDeps {
  incidents: Pick<IncidentService, 'list'>;
  translator: Translator;
}

/** Rows per page: a bureau's list is read at a glance, the next page a link away. */
export const PORTAL_PAGE_SIZE = 20;

// An empty select sends `status=`: the same as no filter.
const emptyIsNone = (value: unknown) => (value === '' ? undefined : value);
const listQuery = z.object({
  status: z.preprocess(emptyIsNone, z.enum(STATUSES).optional()),
  severity: z.preprocess(emptyIsNone, z.enum(SEVERITIES).optional()),
  cursor: z.string().max(200).optional(),
});

/**
 * "My incidents": the reporter's bureau's incidents through the API's own list (the service scopes it
 * to the bureau, so another bureau's incident is never listed), with the next report the bureau owes.
 */
export function portalIncidentPages(deps: PortalIncidentsDeps): AnyPage[] {
  return [
    definePage({
      method: 'get',
      path: '/console/my-incidents',
      permission: 'incident.create',
      query: listQuery,
      handler: async ({ actor, query, lang }) => {
        const t = (key: string, values?: Record<string, unknown>) => deps.translator.t(lang, key, values);
        const page = await deps.incidents.list(actor, {
          status: query.status,
          severity: query.severity,
          cursor: query.cursor,
          limit: PORTAL_PAGE_SIZE,
        });
        const now = new Date();
        const filters = new URLSearchParams();
        if (query.status) filters.set('status', query.status);
        if (query.severity) filters.set('severity', query.severity);
        const rows = page.items.map((incident) => {
          const facts = incident.facts as { title?: unknown };
          const next = nextBureauDeadline(incident.clocks);
          const left = next ? timeLeft(next.dueAt, now) : null;
          return {
            id: incident.id,
            ref: incident.ref,
            title: typeof facts.title === 'string' ? facts.title : incident.ref,
            status: t(`portal.statuses.${incident.status}`),
            severity: incident.severity ?? t('portal.list.notTriaged'),
            reportedAt: incident.reportedAt,
            next: next ? { name: clockName(next, lang), dueAt: next.dueAt } : null,
            left: left ? { text: t(left.key, left.values), overdue: left.overdue } : null,
          };
        });
        const nextParams = new URLSearchParams(filters);
        if (page.nextCursor) nextParams.set('cursor', page.nextCursor);
        return {
          view: 'portal/incidents',
          title: 'portal.list.title',
          data: {
            rows,
            statuses: STATUSES.map((s) => ({
              value: s,
              label: t(`portal.statuses.${s}`),
              selected: s === query.status,
            })),
            severities: SEVERITIES.map((s) => ({ value: s, label: s, selected: s === query.severity })),
            filtered: Boolean(query.status ?? query.severity),
            nextHref: page.nextCursor ? `/console/my-incidents?${nextParams.toString()}` : null,
            firstHref: query.cursor
              ? `/console/my-incidents${filters.size ? `?${filters.toString()}` : ''}`
              : null,
          },
        };
      },
    }),
  ];
}
