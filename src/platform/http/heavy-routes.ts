import type { Config } from '../../config/index.js';
import { ConcurrencyLimit, type RouteLimit } from './concurrency.js';

type Group = 'intake' | 'incidentLists' | 'auditLists' | 'exports' | 'verify';

/** Each limited route and the group whose limit it shares (the OpenAPI document lists their 503). */
export const LIMITED_ROUTES: ReadonlyArray<{ method: RouteLimit['method']; path: string; group: Group }> = [
  { method: 'post', path: '/api/v1/incidents', group: 'intake' },
  { method: 'post', path: '/api/v1/incidents/:id/updates', group: 'intake' },
  { method: 'get', path: '/api/v1/incidents', group: 'incidentLists' },
  { method: 'get', path: '/api/v1/queues/:queue/incidents', group: 'incidentLists' },
  { method: 'get', path: '/api/v1/audit/events', group: 'auditLists' },
  { method: 'get', path: '/api/v1/incidents/:id/timeline', group: 'auditLists' },
  { method: 'get', path: '/api/v1/reports/:kind', group: 'exports' },
  { method: 'post', path: '/api/v1/exports', group: 'exports' },
  { method: 'get', path: '/api/v1/audit/verify', group: 'verify' },
];

/** True when the route runs under a concurrency limit (and may answer 503 when it is full). */
export const isLimitedRoute = (method: string, path: string): boolean =>
  LIMITED_ROUTES.some((route) => route.method === method && route.path === path);

/**
 * The routes whose one request can hold a core or the database for seconds (incident and audit event
 * lists read and sort on the server; reports stream whole collections; verification recomputes the
 * chain), each group under its own limit per API process. A test holds every entry to a registered
 * route, so renaming one cannot silently drop its limit.
 */
export function heavyRouteLimits(config: Config): RouteLimit[] {
  const incidentLists = new ConcurrencyLimit('incident lists', config.CONCURRENCY_INCIDENT_LISTS, 2);
  const auditLists = new ConcurrencyLimit('audit event lists', config.CONCURRENCY_AUDIT_LISTS, 2);
  const exports = new ConcurrencyLimit('reports and exports', config.CONCURRENCY_EXPORTS, 10);
  const verify = new ConcurrencyLimit('audit verifications', config.CONCURRENCY_AUDIT_VERIFY, 30);
  // Not heavy one by one, but when the store slows down, requests pile up on it and every one makes it
  // slower: past the limit they are shed with a 503 and a short Retry-After instead. A slot is given
  // back after 30 s whatever its request does (a 10-minute chaos run saw requests hang for good after
  // a store restart, and their slots with them).
  const intake = new ConcurrencyLimit('reports', config.CONCURRENCY_INTAKE, 1, 30_000);
  const limits: Record<Group, ConcurrencyLimit> = { intake, incidentLists, auditLists, exports, verify };
  return LIMITED_ROUTES.map(({ method, path, group }) => ({ method, path, limit: limits[group] }));
}
