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
}

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
  inputs: ReadonlyArray<{ id: string; ref: string; input: TriageInput }>,
  options: { now?: Date } = {},
): SimulationResult {
  const changed: ChangedDecision[] = [];
  for (const { id, ref, input } of inputs) {
    const before = evaluatePolicy(current, input, options.now);
    const after = evaluatePolicy(candidate, input, options.now);
    const diffs: FieldDifference[] = diffDecisions(before, after);
    if (diffs.length === 0) continue;
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
  };
}
