import { readField } from './condition-fields.js';
import type { Condition, FieldTest } from './condition.schema.js';

function testField(t: FieldTest, facts: Readonly<Record<string, unknown>>): boolean {
  const actual = readField(facts, t.field);
  const list = Array.isArray(actual) ? (actual as unknown[]) : [];
  const values = Array.isArray(t.value) ? (t.value as unknown[]) : [];
  switch (t.op) {
    case 'exists':
      return (actual !== undefined && actual !== null) === t.value;
    case 'equals':
      return actual === t.value;
    case 'notEquals':
      return actual !== t.value;
    case 'in':
      return values.includes(actual);
    case 'notIn':
      return !values.includes(actual);
    case 'gt':
      return typeof actual === 'number' && actual > (t.value as number);
    case 'gte':
      return typeof actual === 'number' && actual >= (t.value as number);
    case 'lt':
      return typeof actual === 'number' && actual < (t.value as number);
    case 'lte':
      return typeof actual === 'number' && actual <= (t.value as number);
    case 'contains':
      return list.includes(t.value);
    case 'containsAny':
      return values.some((v) => list.includes(v));
  }
}

/** True when `facts` satisfy `condition`. Pure; a missing condition (`undefined`) always matches. */
export function matches(condition: Condition | undefined, facts: Readonly<Record<string, unknown>>): boolean {
  if (condition === undefined) return true;
  if ('all' in condition) return condition.all.every((c) => matches(c, facts));
  if ('any' in condition) return condition.any.some((c) => matches(c, facts));
  if ('not' in condition) return !matches(condition.not, facts);
  return testField(condition, facts);
}

const SYMBOL: Partial<Record<FieldTest['op'], string>> = {
  equals: '=',
  notEquals: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
};

/** Human-readable form of a condition, used in decision reasons, e.g. `functionalImpact = high`. */
export function describeCondition(condition: Condition | undefined): string {
  if (condition === undefined) return 'always';
  if ('all' in condition) return condition.all.map((c) => wrap(c)).join(' and ');
  if ('any' in condition) return condition.any.map((c) => wrap(c)).join(' or ');
  if ('not' in condition) return `not ${wrap(condition.not)}`;
  const value = Array.isArray(condition.value)
    ? `[${(condition.value as unknown[]).map(String).join(', ')}]`
    : String(condition.value);
  if (condition.op === 'exists') return `${condition.field} ${condition.value ? 'is known' : 'is unknown'}`;
  return `${condition.field} ${SYMBOL[condition.op] ?? condition.op} ${value}`;
}

function wrap(c: Condition): string {
  return 'field' in c ? describeCondition(c) : `(${describeCondition(c)})`;
}
