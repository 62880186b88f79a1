import { matches } from './condition.evaluator.js';
import { formatDuration } from './duration.parser.js';
import type { Policy, PolicyPack } from './policy.types.js';
import { explain, type Facts } from './severity.evaluator.js';
import type { DecisionReason, EscalationStep } from './triage-decision.types.js';

/** The queue of a policy whose default pack has no routing section. */
const FALLBACK_QUEUE = 'default';

/**
 * Every team queue the policy can route to: the default pack's default queue and each rule's queue,
 * sorted. They exist whether or not anything is queued in them (an empty queue is still a queue).
 */
export function policyQueues(policy: Policy): string[] {
  const base = policy.packs.find((pack) => pack.isDefault);
  if (!base) return [];
  const queues = new Set([base.routing?.default ?? FALLBACK_QUEUE]);
  for (const rule of base.routing?.rules ?? []) queues.add(rule.queue);
  return [...queues].sort();
}

/** Responder queue: the default pack's first matching routing rule, else its default queue. */
export function decideQueue(base: PolicyPack, facts: Facts, reasons: DecisionReason[]): string {
  const routing = base.routing;
  const rule = routing?.rules.find((r) => matches(r.when, facts));
  if (rule) {
    reasons.push({
      rule: `${base.id}/routing/${rule.id}`,
      detail: `queue ${rule.queue}: ${explain(rule.description, rule.when)}`,
    });
    return rule.queue;
  }
  const queue = routing?.default ?? FALLBACK_QUEUE;
  reasons.push({ rule: `${base.id}/routing/default`, detail: `queue ${queue}: no routing rule matched` });
  return queue;
}

/** Escalation: the default pack's first matching ladder, its matching steps, then its breach step. */
export function decideEscalation(
  base: PolicyPack,
  facts: Facts,
  reasons: DecisionReason[],
): EscalationStep[] {
  const ladder = base.escalation.find((l) => matches(l.when, facts));
  if (!ladder) return [];
  const steps: EscalationStep[] = [];
  for (const step of ladder.steps) {
    if (!matches(step.when, facts)) continue;
    const level = steps.length + 1;
    const s: EscalationStep = {
      key: `${base.id}.${ladder.id}.${level}`,
      ladder: ladder.id,
      level,
      trigger: 'elapsed',
      startsFrom: ladder.startsFrom,
      afterSeconds: step.after,
      notify: [...step.notify],
    };
    if (step.every !== undefined) s.repeatEverySeconds = step.every;
    steps.push(s);
  }
  if (ladder.onBreach.length > 0) {
    steps.push({
      key: `${base.id}.${ladder.id}.breach`,
      ladder: ladder.id,
      level: 0,
      trigger: 'clock_breach',
      afterSeconds: 0,
      notify: [...ladder.onBreach],
    });
  }
  const rungs = steps.map((s) => (s.trigger === 'clock_breach' ? 'breach' : formatDuration(s.afterSeconds)));
  reasons.push({
    rule: `${base.id}/escalation/${ladder.id}`,
    detail: `ladder ${rungs.join(', ')}: ${explain(ladder.description, ladder.when)}`,
  });
  return steps;
}
