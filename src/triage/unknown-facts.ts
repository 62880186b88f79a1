import type { PolicyPack } from './policy.types.js';
import { LEVELS, RECOVERABILITY, UNKNOWN, type TriageInput } from './triage-input.js';
import type { DecisionReason } from './triage-decision.types.js';

/** How the policy reads an unknown fact: as the worst value, or as one value it names. */
export type UnknownTreatment = NonNullable<PolicyPack['unknown']>;

type Impact = TriageInput['impact'];
/** The impact levels a report may leave unknown (the other facts are known at intake). */
const IMPACT_KEYS = ['confidentiality', 'integrity', 'availability', 'governmentImage'] as const;

function read<T extends string>(treatment: 'worst' | T, values: readonly T[]): { value: T; how: string } {
  if (treatment !== 'worst') return { value: treatment, how: 'the level the policy gives' };
  const worst = values.at(-1);
  if (worst === undefined) throw new Error('no values to choose the worst from');
  return { value: worst, how: 'the worst level' };
}

/**
 * Replaces every "unknown" fact with the value the default pack's `unknown` section gives it, so that
 * conditions only ever see known values, and names each replacement in the reasons (the responder
 * sees which part of the severity rests on an assumption). Pure.
 */
export function readUnknownFacts(
  base: PolicyPack,
  input: TriageInput,
  reasons: DecisionReason[],
): TriageInput {
  const treatment = base.unknown;
  if (treatment === undefined)
    throw new Error('the default pack has no "unknown" section (the loader requires one)');
  const note = (field: string, value: string, how: string) => {
    reasons.push({
      rule: `${base.id}/unknown/${field}`,
      detail: `${field} not known yet: read as ${value} (${how})`,
    });
  };
  const impact: Record<string, Impact[keyof Impact]> = { ...input.impact };
  for (const key of IMPACT_KEYS) {
    if (impact[key] !== UNKNOWN) continue;
    const { value, how } = read(treatment.impact, LEVELS);
    impact[key] = value;
    note(`impact.${key}`, value, how);
  }
  let recoverability = input.recoverability;
  if (recoverability === UNKNOWN) {
    const { value, how } = read(treatment.recoverability, RECOVERABILITY);
    recoverability = value;
    note('recoverability', value, how);
  }
  return { ...input, impact: impact as Impact, recoverability };
}
