import type { TriageDecision } from './triage-decision.types.js';

/** One field that differs between two decisions (or between an expectation and a decision). */
export interface FieldDifference {
  /** e.g. `severity`, `clocks[hk-gov.initial-report].dueAt`. */
  field: string;
  left: unknown;
  right: unknown;
}

/** JSON view of a value: dates become ISO strings, undefined properties disappear. */
export function toPlain(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Appends the differences between two plain values. With `partial`, only the properties present in
 * `left` are compared (an expectation names only the fields it cares about).
 */
export function diffPlain(
  field: string,
  left: unknown,
  right: unknown,
  out: FieldDifference[],
  partial = false,
): void {
  if (isRecord(left) && isRecord(right)) {
    const keys = new Set([...Object.keys(left), ...(partial ? [] : Object.keys(right))]);
    for (const k of [...keys].sort())
      diffPlain(field === '' ? k : `${field}.${k}`, left[k], right[k], out, partial);
    return;
  }
  if (JSON.stringify(left) !== JSON.stringify(right)) out.push({ field, left, right });
}

type Keyed = Record<string, unknown> & { key: string };

/**
 * Differences between two lists of objects identified by `key`: added, removed and changed entries.
 * @param exact when false, entries of `right` missing from `left` are not reported.
 */
export function diffKeyed(
  field: string,
  left: readonly Keyed[],
  right: readonly Keyed[],
  out: FieldDifference[],
  options: { partial?: boolean; exact?: boolean } = {},
): void {
  const rightByKey = new Map(right.map((r) => [r.key, r]));
  const leftKeys = new Set(left.map((l) => l.key));
  for (const l of left) {
    const r = rightByKey.get(l.key);
    if (r === undefined) out.push({ field: `${field}[${l.key}]`, left: l, right: undefined });
    else diffPlain(`${field}[${l.key}]`, l, r, out, options.partial ?? false);
  }
  if (options.exact ?? true) {
    for (const r of right)
      if (!leftKeys.has(r.key)) out.push({ field: `${field}[${r.key}]`, left: undefined, right: r });
  }
}

/** Field-level differences between two decisions, ignoring the policy version and the reasons. */
export function diffDecisions(left: TriageDecision, right: TriageDecision): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const f of ['severity', 'categoryClass', 'reportable', 'queue'] as const)
    diffPlain(f, left[f], right[f], out);
  diffPlain('regimes', left.regimes, right.regimes, out);
  const plain = (list: readonly object[]) => toPlain(list) as Keyed[];
  diffKeyed('clocks', plain(left.clocks), plain(right.clocks), out);
  diffKeyed('notifications', plain(left.notifications), plain(right.notifications), out);
  diffKeyed('escalation', plain(left.escalation), plain(right.escalation), out);
  return out;
}
