import type { FieldProblem } from '../platform/errors.js';
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
