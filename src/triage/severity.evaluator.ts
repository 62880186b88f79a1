import { describeCondition, matches } from './condition.evaluator.js';
import type { PolicyPack } from './policy.types.js';
import { SEVERITIES, type DecisionReason, type Severity } from './triage-decision.types.js';

/** Facts a condition is matched against: the input plus the fields derived so far. */
export type Facts = Readonly<Record<string, unknown>>;

/** Reason detail: the rule's own description, then the condition that matched it. */
export function explain(description: string | undefined, condition: Parameters<typeof describeCondition>[0]) {
  const when = describeCondition(condition);
  return description === undefined ? when : `${description} (${when})`;
}

/** Reportability: the category's flag, unless a reportability rule (first match) says otherwise. */
export function decideReportable(
  packs: readonly PolicyPack[],
  facts: Facts,
  fromCategory: boolean,
  reasons: DecisionReason[],
): boolean {
  for (const pack of packs) {
    for (const rule of pack.reportability) {
      if (!matches(rule.when, facts)) continue;
      reasons.push({
        rule: `${pack.id}/reportability/${rule.id}`,
        detail: `${rule.reportable ? 'reportable' : 'not reportable'}: ${explain(rule.description, rule.when)}`,
      });
      return rule.reportable;
    }
  }
  return fromCategory;
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * Severity in three passes: the most severe matching rule (or the default pack's default), then
 * every matching adjustment raises it (capped at S1), then the first matching override sets it.
 */
export function decideSeverity(
  packs: readonly PolicyPack[],
  facts: Facts,
  reasons: DecisionReason[],
): Severity {
  let best: Severity | undefined;
  for (const pack of packs) {
    for (const rule of pack.severity.rules) {
      if (!matches(rule.when, facts)) continue;
      reasons.push({
        rule: `${pack.id}/severity/${rule.id}`,
        detail: `${rule.severity}: ${explain(rule.description, rule.when)}`,
      });
      if (best === undefined || rank(rule.severity) < rank(best)) best = rule.severity;
    }
  }
  let severity: Severity;
  if (best === undefined) {
    const base = packs.find((p) => p.isDefault);
    severity = base?.severity.default ?? 'S4';
    reasons.push({
      rule: `${base?.id ?? 'policy'}/severity/default`,
      detail: `${severity}: no severity rule matched`,
    });
  } else {
    severity = best;
  }
  for (const pack of packs) {
    for (const adj of pack.severity.adjustments) {
      if (!matches(adj.when, facts)) continue;
      const raised: Severity = SEVERITIES[Math.max(0, rank(severity) - adj.raise)] ?? 'S1';
      reasons.push({
        rule: `${pack.id}/severity/${adj.id}`,
        detail: `${severity} → ${raised}: ${explain(adj.description, adj.when)}`,
      });
      severity = raised;
    }
  }
  for (const pack of packs) {
    const override = pack.severity.overrides.find((o) => matches(o.when, facts));
    if (override === undefined) continue;
    reasons.push({
      rule: `${pack.id}/severity/${override.id}`,
      detail: `${severity} → ${override.severity} (override): ${explain(override.description, override.when)}`,
    });
    return override.severity;
  }
  return severity;
}
