import type { IncidentUpdateInput } from './incident.schemas.js';
import type { IncidentFacts } from './incident.types.js';
import { indicatorKey, type Indicator } from './indicator.normaliser.js';

/** Fact fields whose change can change the triage decision. */
export const MATERIAL_FIELDS = [
  'category',
  'times',
  'system',
  'assetsAffected',
  'impact',
  'functionalImpact',
  'informationImpact',
  'recoverability',
  'classifiedData',
  'personalDataInvolved',
  'peopleAffected',
  'flags',
  'regimes',
] as const satisfies ReadonlyArray<keyof IncidentFacts>;

const OBJECT_FIELDS = ['times', 'system', 'impact', 'peopleAffected', 'flags'] as const;
const UNION_FIELDS = ['assetsAffected', 'regimes'] as const;

/** The outcome of merging a follow-up into the current facts. */
export interface MergedUpdate {
  facts: IncidentFacts;
  /** Fact fields whose value changed, with before and after (for the audit event). */
  changed: Array<{ field: string; before: unknown; after: unknown }>;
  /** Indicators not already on the incident. */
  newIndicators: Indicator[];
  material: boolean;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies a follow-up to the facts without losing anything: objects are merged field by field, lists
 * (assets, regimes, contacts) are added to, scalars replaced (the update history keeps the old value).
 * Material when a triage-relevant fact changed or a new indicator arrived (it may reveal a campaign).
 */
export function mergeUpdate(
  facts: IncidentFacts,
  known: readonly Indicator[],
  update: IncidentUpdateInput,
): MergedUpdate {
  const next: Record<string, unknown> = { ...facts };
  const { note: _note, indicators, externalNotified: _external, contacts, ...fields } = update;
  for (const [field, value] of Object.entries(fields) as Array<[string, unknown]>) {
    if (value === undefined) continue;
    const current = next[field];
    if ((OBJECT_FIELDS as readonly string[]).includes(field)) {
      next[field] = { ...(current as object), ...(value as object) };
    } else if ((UNION_FIELDS as readonly string[]).includes(field)) {
      next[field] = [...new Set([...(current as string[]), ...(value as string[])])];
    } else {
      next[field] = value;
    }
  }
  if (contacts) next.contacts = [...facts.contacts, ...contacts];
  const changed = Object.keys(next)
    .filter((field) => !same((facts as Record<string, unknown>)[field], next[field]))
    .map((field) => ({
      field: `facts.${field}`,
      before: (facts as Record<string, unknown>)[field] ?? null,
      after: next[field],
    }));
  const knownKeys = new Set(known.map(indicatorKey));
  const newIndicators = (indicators ?? []).filter((indicator) => !knownKeys.has(indicatorKey(indicator)));
  const material =
    newIndicators.length > 0 ||
    changed.some((change) =>
      (MATERIAL_FIELDS as readonly string[]).includes(change.field.slice('facts.'.length)),
    );
  return { facts: next as IncidentFacts, changed, newIndicators, material };
}
