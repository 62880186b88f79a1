import { checkDocumentBudget, checkListLimit } from '../incidents/index.js';
import type { IncidentWorklog } from './workflow.types.js';
import type { WorklogChange } from './worklog.repository.js';

/**
 * 409 when a change would push a list of the worklog past its limit (`INCIDENT_LIMITS`: the same
 * numbers as when these lists were on the incident), or the worklog past the size budget.
 */
export function checkWorklogGrowth(ref: string, worklog: IncidentWorklog, change: WorklogChange): void {
  const grows = (['notes', 'tasks', 'links'] as const).filter(
    (list) => (change.push?.[list]?.length ?? 0) > 0,
  );
  if (grows.length === 0) return;
  for (const list of grows) checkListLimit(ref, list, worklog[list].length, change.push?.[list]?.length ?? 0);
  checkDocumentBudget(ref, worklog, Object.fromEntries(grows.map((list) => [list, change.push?.[list]])));
}
