import { owedAtClose, type IncidentClock } from '../clocks/index.js';
import type { FieldProblem } from '../platform/index.js';
import type { PostIncident } from './workflow.types.js';

/** Post-incident fields an S1 or S2 incident must have before it is closed. */
export const REQUIRED_TO_CLOSE = ['rootCause', 'lessonsLearnt', 'cost', 'affectedPeople'] as const;

/** Severities whose closure needs the post-incident review. */
export const REVIEWED_SEVERITIES = ['S1', 'S2'];

/** The missing post-incident fields, as 422 problems; empty when the incident may close. */
export function closeProblems(severity: string | null, postIncident: PostIncident): FieldProblem[] {
  if (!severity || !REVIEWED_SEVERITIES.includes(severity)) return [];
  return REQUIRED_TO_CLOSE.filter((field) => {
    const value = postIncident[field];
    return value === undefined || (typeof value === 'string' && value.trim() === '');
  }).map((field) => ({
    path: `postIncident.${field}`,
    message: `required before closing an ${severity} incident`,
  }));
}

/**
 * The regulatory clocks still running, as 422 problems (`notApplicable.<key>`), less those marked
 * not applicable; and a mark naming no such clock. Empty when the clocks let the incident close.
 */
export function clockProblems(
  clocks: readonly IncidentClock[],
  notApplicable: Readonly<Record<string, string>>,
): FieldProblem[] {
  const owed = owedAtClose(clocks);
  const problems: FieldProblem[] = owed
    .filter((clock) => !Object.hasOwn(notApplicable, clock.key))
    .map((clock) => ({
      path: `notApplicable.${clock.key}`,
      message:
        `${clock.name} is still running (due ${clock.dueAt ? new Date(clock.dueAt).toISOString() : 'unknown'}): ` +
        `record ${clock.obligation} as done, or give the reason it does not apply`,
    }));
  const keys = new Set(owed.map((clock) => clock.key));
  for (const key of Object.keys(notApplicable))
    if (!keys.has(key))
      problems.push({
        path: `notApplicable.${key}`,
        message: 'is not a regulatory clock still running on this incident',
        allowed: [...keys].sort(),
      });
  return problems;
}
