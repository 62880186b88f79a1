import { z } from 'zod';
import { DERIVED_FIELDS, INPUT_FIELDS, type FieldSpec } from './condition-fields.js';

/** Operators of a field test. Conditions are data, matched by code: nothing in a pack is ever evaluated. */
export const FIELD_OPERATORS = [
  'equals',
  'notEquals',
  'in',
  'notIn',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'containsAny',
  'exists',
] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

/** A test on one field, normalised from the YAML form `{ field: x, <operator>: value }`. */
export interface FieldTest {
  field: string;
  op: FieldOperator;
  value: unknown;
}
/** A declarative condition: `all`, `any`, `not` or a field test. */
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | FieldTest;

type Path = Array<string | number>;
interface Issue {
  path: Path;
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function scalarOk(spec: FieldSpec, v: unknown): boolean {
  switch (spec.kind) {
    case 'string':
    case 'string-list':
      return typeof v === 'string';
    case 'enum':
    case 'enum-list':
      return typeof v === 'string' && (spec.values ?? []).includes(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'date':
      return false;
  }
}

function expected(spec: FieldSpec): string {
  return spec.values ? `one of ${spec.values.join(', ')}` : `a ${spec.kind.replace('-list', '')}`;
}

function checkValue(spec: FieldSpec, op: FieldOperator, value: unknown, field: string): string | undefined {
  const list = spec.kind.endsWith('-list');
  const allOk = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => scalarOk(spec, x));
  switch (op) {
    case 'exists':
      return typeof value === 'boolean' ? undefined : 'exists takes true or false';
    case 'equals':
    case 'notEquals':
      if (list || spec.kind === 'date') return `${op} cannot be used on ${field} (${spec.kind})`;
      return scalarOk(spec, value) ? undefined : `${field} ${op}: expected ${expected(spec)}`;
    case 'in':
    case 'notIn':
      if (list || spec.kind === 'date') return `${op} cannot be used on ${field} (${spec.kind})`;
      return allOk(value) ? undefined : `${field} ${op}: expected a non-empty list of ${expected(spec)}`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (spec.kind !== 'number') return `${op} needs a number field, ${field} is ${spec.kind}`;
      return scalarOk(spec, value) ? undefined : `${field} ${op}: expected a number`;
    case 'contains':
      if (!list) return `contains needs a list field, ${field} is ${spec.kind}`;
      return scalarOk(spec, value) ? undefined : `${field} contains: expected ${expected(spec)}`;
    case 'containsAny':
      if (!list) return `containsAny needs a list field, ${field} is ${spec.kind}`;
      return allOk(value)
        ? undefined
        : `${field} containsAny: expected a non-empty list of ${expected(spec)}`;
  }
}

/** Own properties only: a field named `constructor` must not find `Object.prototype.constructor`. */
function fieldSpec(field: string): FieldSpec | undefined {
  if (Object.hasOwn(INPUT_FIELDS, field)) return INPUT_FIELDS[field];
  return Object.hasOwn(DERIVED_FIELDS, field) ? DERIVED_FIELDS[field] : undefined;
}

function parseNode(raw: unknown, path: Path, unavailable: ReadonlySet<string>, out: Issue[]): Condition {
  const fail = (message: string, at: Path = path): Condition => {
    out.push({ path: at, message });
    return { all: [] };
  };
  if (!isRecord(raw)) return fail('a condition must be a mapping (all, any, not or field)');
  const keys = Object.keys(raw);
  for (const group of ['all', 'any'] as const) {
    if (!(group in raw)) continue;
    if (keys.length !== 1) return fail(`"${group}" must be the only key of its condition`);
    const items = raw[group];
    if (!Array.isArray(items) || items.length === 0)
      return fail('expected a non-empty list', [...path, group]);
    const parsed = items.map((c, i) => parseNode(c, [...path, group, i], unavailable, out));
    return group === 'all' ? { all: parsed } : { any: parsed };
  }
  if ('not' in raw) {
    if (keys.length !== 1) return fail('"not" must be the only key of its condition');
    return { not: parseNode(raw.not, [...path, 'not'], unavailable, out) };
  }
  const field = raw.field;
  if (typeof field !== 'string') return fail('expected all, any, not or field');
  const spec = fieldSpec(field);
  if (!spec) return fail(`unknown field "${field}"`, [...path, 'field']);
  if (unavailable.has(field)) return fail(`field "${field}" is not known yet here`, [...path, 'field']);
  const ops = keys.filter((k) => k !== 'field');
  const unknown = ops.find((k) => !(FIELD_OPERATORS as readonly string[]).includes(k));
  if (unknown !== undefined) return fail(`unknown operator "${unknown}"`, [...path, unknown]);
  if (ops.length !== 1) return fail(`expected exactly one operator (${FIELD_OPERATORS.join(', ')})`);
  const op = ops[0] as FieldOperator;
  const problem = checkValue(spec, op, raw[op], field);
  if (problem !== undefined) return fail(problem, [...path, op]);
  return { field, op, value: raw[op] };
}

/**
 * Zod schema for a condition, with errors that point at the exact place inside it.
 * @param unavailable derived fields that the section using this condition cannot see yet.
 */
export function conditionSchema(unavailable: ReadonlySet<string> = new Set()) {
  return z.unknown().transform((raw, ctx): Condition => {
    const issues: Issue[] = [];
    const condition = parseNode(raw, [], unavailable, issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return issues.length > 0 ? z.NEVER : condition;
  });
}
