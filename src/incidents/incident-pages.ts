import type { Connection } from '../platform/db/index.js';
import { ALL_SCOPE } from '../platform/index.js';
import { IncidentRepository } from './incident.repository.js';
import type { Incident } from './incident.types.js';

/**
 * Every incident reported since `since` (all when undefined), newest first, a page at a time, read
 * only: for tools that run beside the system on its store (`govcert policy simulate`).
 */
export async function* incidentPages(
  db: Connection,
  since: Date | undefined,
  pageSize: number,
): AsyncGenerator<Incident[]> {
  const incidents = new IncidentRepository(db);
  let before: string | undefined;
  for (;;) {
    const page = await incidents.list(ALL_SCOPE, { reportedFrom: since, before }, pageSize);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    before = page.at(-1)?.id;
  }
}
