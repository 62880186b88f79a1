import type { z } from 'zod';
import { ValidationError, type FieldProblem } from '../errors.js';

/** Turns zod issues into field problems, one per unknown key so every offending path is named. */
export function toFieldProblems(issues: readonly z.core.$ZodIssue[], prefix: string): FieldProblem[] {
  return issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: base ? `${base}.${key}` : key, message: 'unknown field' }));
    }
    return [{ path: base || prefix, message: issue.message }];
  });
}

/** Parses `value` with `schema` or throws a 422 naming every failing field under `prefix`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toFieldProblems(result.error.issues, prefix));
  return result.data;
}
