import { CalendarRangeError } from '../clocks/calendar/index.js';
import type { MetObligation } from './clock.evaluator.js';
import { diffDecisions, type FieldDifference } from './decision-diff.js';
import { evaluatePolicy } from './policy.evaluator.js';
import type { Policy } from './policy.types.js';
import type { TriageInput } from './triage-input.js';
import type { DecisionReason, TriageDecision } from './triage-decision.types.js';

/** One field that a candidate policy would change. */
export interface DecisionChange {
  field: string;
  current: unknown;
  candidate: unknown;
}

/** An incident whose decision would change under the candidate policy. */
export interface ChangedDecision {
  id: string;
  ref: string;
  changes: DecisionChange[];
  current: TriageDecision;
  candidate: TriageDecision;
  /** Rules matched under one policy and not the other (`-` current only, `+` candidate only). */
  reasonChanges: string[];
}

export interface SimulationResult {
  currentVersion: string;
  candidateVersion: string;
  evaluated: number;
  changed: ChangedDecision[];
  /**
   * Incidents any of whose clocks would fall due (or warn) at another time, or gain or lose a due
   * time: what moving a pack from an approximation to the real counting does to past deadlines.
   */
  dueTimesChanged: number;
  /** Incidents a policy could not count (a business day outside its calendar's years), with why. */
  uncounted: Array<{ id: string; ref: string; error: string }>;
}

/** A clock field whose change moves a deadline. */
const DUE_FIELD = /^clocks\[[^\]]+\](\.(dueAt|warnAt|cap\.dueAt))?$/;

function reasonChanges(current: readonly DecisionReason[], candidate: readonly DecisionReason[]): string[] {
  const a = new Set(current.map((r) => `${r.rule}: ${r.detail}`));
  const b = new Set(candidate.map((r) => `${r.rule}: ${r.detail}`));
  return [
    ...[...a].filter((r) => !b.has(r)).map((r) => `- ${r}`),
    ...[...b].filter((r) => !a.has(r)).map((r) => `+ ${r}`),
  ];
}

/**
 * Evaluates both policies against past incidents and returns those whose decision would change,
 * with field-level differences and the rules behind them. Pure: the caller loads the incidents.
 * @param options.now triage time used for both policies (clocks counting from `triaged`).
 */
export function simulateDecisions(
  current: Policy,
  candidate: Policy,
  inputs: ReadonlyArray<{ id: string; ref: string; input: TriageInput; met?: readonly MetObligation[] }>,
  options: { now?: Date } = {},
): SimulationResult {
  const changed: ChangedDecision[] = [];
  const uncounted: SimulationResult['uncounted'] = [];
  let dueTimesChanged = 0;
  for (const { id, ref, input, met } of inputs) {
    let before: TriageDecision;
    let after: TriageDecision;
    try {
      before = evaluatePolicy(current, input, options.now, { met });
      after = evaluatePolicy(candidate, input, options.now, { met });
    } catch (err) {
      if (!(err instanceof CalendarRangeError)) throw err;
      uncounted.push({ id, ref, error: err.message });
      continue;
    }
    const diffs: FieldDifference[] = diffDecisions(before, after);
    if (diffs.length === 0) continue;
    if (diffs.some((d) => DUE_FIELD.test(d.field) && hasDueTime(d))) dueTimesChanged++;
    changed.push({
      id,
      ref,
      changes: diffs.map((d) => ({ field: d.field, current: d.left, candidate: d.right })),
      current: before,
      candidate: after,
      reasonChanges: reasonChanges(before.reasons, after.reasons),
    });
  }
  return {
    currentVersion: current.version,
    candidateVersion: candidate.version,
    evaluated: inputs.length,
    changed,
    dueTimesChanged,
    uncounted,
  };
}

/** A changed time, or a clock added or removed that has a due time on either side. */
function hasDueTime(d: FieldDifference): boolean {
  if (!/^clocks\[[^\]]+\]$/.test(d.field)) return true;
  const due = (v: unknown) => typeof v === 'object' && v !== null && 'dueAt' in v;
  return due(d.left) || due(d.right);
}
