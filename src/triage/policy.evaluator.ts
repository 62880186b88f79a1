import { decideClocks, decideNotifications, type MetObligation } from './clock.evaluator.js';
import type { Policy, PolicyPack } from './policy.types.js';
import { decideEscalation, decideQueue } from './routing.evaluator.js';
import { decideReportable, decideSeverity } from './severity.evaluator.js';
import type { TriageInput } from './triage-input.js';
import type { DecisionReason, TriageDecision } from './triage-decision.types.js';
import { readUnknownFacts } from './unknown-facts.js';

/** `bureauRegimes ∪ regimes`, upper-cased, de-duplicated and sorted (order of input must not matter). */
export function activeRegimes(input: Pick<TriageInput, 'bureauRegimes' | 'regimes'>): string[] {
  return [...new Set([...input.bureauRegimes, ...input.regimes].map((r) => r.trim().toUpperCase()))].sort();
}

function selectPacks(policy: Policy, regimes: readonly string[], reasons: DecisionReason[]): PolicyPack[] {
  const selected: PolicyPack[] = [];
  for (const pack of policy.packs) {
    const named = regimes.includes(pack.regime);
    if (pack.isDefault) {
      selected.push(pack);
      reasons.push({
        rule: `${pack.id}/pack`,
        detail: `${pack.regime}: default pack, applies to every incident`,
      });
    } else if (named && pack.enabled) {
      selected.push(pack);
      reasons.push({
        rule: `${pack.id}/pack`,
        detail: `${pack.regime}: named by the bureau or the incident`,
      });
    } else if (named) {
      reasons.push({
        rule: `${pack.id}/pack`,
        detail: `${pack.regime}: named but the pack is disabled, not applied`,
      });
    }
  }
  const known = new Set(policy.packs.map((p) => p.regime));
  for (const r of regimes.filter((x) => !known.has(x))) {
    reasons.push({ rule: 'policy/regimes', detail: `${r}: no pack implements this regime, ignored` });
  }
  return selected;
}

/**
 * Evaluates the policy against one incident. Pure and deterministic: the same policy, input and `now`
 * give the same decision; nothing is read from the disk, the clock or the network.
 * @param now triage time; clocks counting from `triaged` get a start time only when it is given.
 * @param options.met obligations already recorded as done: chained clocks start from them (the clock
 *   rules start them when they are recorded later; policy test cases name them).
 * @throws CalendarRangeError when a business-day deadline falls outside the calendar's years
 */
export function evaluatePolicy(
  policy: Policy,
  reported: TriageInput,
  now?: Date,
  options: { met?: readonly MetObligation[] } = {},
): TriageDecision {
  const reasons: DecisionReason[] = [];
  const regimes = activeRegimes(reported);
  const packs = selectPacks(policy, regimes, reasons);
  const base = packs.find((p) => p.isDefault);
  const category = base?.categories?.[reported.category];
  if (!base || !category)
    throw new Error('policy has no default pack with categories (loadPolicy guarantees one)');
  reasons.push({
    rule: `${base.id}/categories/${reported.category}`,
    detail: `${category.name}: RSIT ${category.rsit}, ${category.reportable ? '' : 'not '}reportable to GIRO`,
  });
  // From here on every fact is a known value: conditions never see "unknown".
  const input = readUnknownFacts(base, reported, reasons);

  const facts0 = { ...input, activeRegimes: regimes, categoryClass: category.rsit };
  const reportable = decideReportable(packs, facts0, category.reportable, reasons);
  const facts1 = { ...facts0, reportable };
  const severity = decideSeverity(packs, facts1, reasons);
  const facts = { ...facts1, severity };

  const queue = decideQueue(base, facts, reasons);
  const clocks = decideClocks(packs, facts, input, severity, now, reasons, policy.calendars, options.met);
  const notifications = decideNotifications(packs, facts, clocks, reasons);
  const escalation = decideEscalation(base, facts, reasons);
  return {
    policyVersion: policy.version,
    severity,
    categoryClass: category.rsit,
    reportable,
    queue,
    regimes: packs.map((p) => p.regime),
    clocks,
    notifications,
    escalation,
    reasons,
  };
}
