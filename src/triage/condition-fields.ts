import {
  ASSETS,
  CATEGORIES,
  CLASSIFICATIONS,
  INFORMATION_IMPACTS,
  LEVELS,
  OPERATORS,
  RECOVERABILITY,
} from './triage-input.js';
import { RSIT_CLASSES, SEVERITIES } from './triage-decision.types.js';

/** What kind of value a field holds, which decides the operators a condition may use on it. */
export type FieldKind = 'string' | 'enum' | 'boolean' | 'number' | 'date' | 'string-list' | 'enum-list';

export interface FieldSpec {
  kind: FieldKind;
  /** Allowed values for `enum` and `enum-list`. */
  values?: readonly string[];
}

const en = (values: readonly string[]): FieldSpec => ({ kind: 'enum', values });
const date: FieldSpec = { kind: 'date' };
const bool: FieldSpec = { kind: 'boolean' };
const num: FieldSpec = { kind: 'number' };

/**
 * Every field a policy condition may name. Listed by hand rather than derived from the zod schema so
 * that a rename in `TriageInput` is a visible change here (a unit test checks the two agree).
 */
export const INPUT_FIELDS: Readonly<Record<string, FieldSpec>> = {
  bureauId: { kind: 'string' },
  bureauRegimes: { kind: 'string-list' },
  regimes: { kind: 'string-list' },
  category: en(CATEGORIES),
  'times.occurredAt': date,
  'times.discoveredAt': date,
  'times.awareAt': date,
  'times.reportedAt': date,
  'times.firstReportAt': date,
  'times.containedAt': date,
  'times.resolvedAt': date,
  'times.classifiedMajorAt': date,
  'times.ransomPaidAt': date,
  'system.tier': num,
  'system.criticalEService': bool,
  'system.operatedBy': en(OPERATORS),
  assetsAffected: { kind: 'enum-list', values: ASSETS },
  'impact.confidentiality': en(LEVELS),
  'impact.integrity': en(LEVELS),
  'impact.availability': en(LEVELS),
  'impact.governmentImage': en(LEVELS),
  functionalImpact: en(LEVELS),
  informationImpact: en(INFORMATION_IMPACTS),
  recoverability: en(RECOVERABILITY),
  classifiedData: en(CLASSIFICATIONS),
  personalDataInvolved: bool,
  'peopleAffected.staff': num,
  'peopleAffected.citizens': num,
  'flags.suspectedCrime': bool,
  'flags.mediaInterest': bool,
  'flags.capSerious': bool,
  'flags.falsePositive': bool,
  'flags.ransomPaid': bool,
  relatedBureauxCount: num,
};

/**
 * Fields computed during evaluation. Each is available only to the sections evaluated after it:
 * `reportable` not inside reportability rules, `severity` not inside severity rules.
 */
export const DERIVED_FIELDS: Readonly<Record<string, FieldSpec>> = {
  /** `bureauRegimes ∪ regimes`, upper-cased. */
  activeRegimes: { kind: 'string-list' },
  categoryClass: en(RSIT_CLASSES),
  reportable: bool,
  severity: en(SEVERITIES),
};

/** Looks a dotted path up in a facts object; undefined when any step is missing. */
export function readField(facts: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = facts;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}
