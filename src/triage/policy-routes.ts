import type { Policy } from './policy.types.js';
import { policyQueues } from './routing.evaluator.js';

/** The recipient list a queue's clock warnings go to: the team that works the queue. */
export function queueWarningRoute(queue: string): string {
  return `queue-${queue}`;
}

/** A recipient route the policy names, with the rules that name it (`hk-ci/notifications/commissioner`). */
export interface PolicyRoute {
  route: string;
  usedBy: string[];
}

/** Which packs count: the enabled ones (what triage applies) or every installed one. */
export interface PolicyRouteOptions {
  /** Also the routes of disabled packs (a proposed law's), e.g. to seed demo data ahead of it. */
  includeDisabled?: boolean;
}

/**
 * Every recipient route the policy can send mail to: the `to` of each notification rule of the packs
 * that count, and the roles of the escalation ladders (steps and `onBreach`). Ladders are read from
 * the default pack only, because evaluation takes escalation from it alone: another pack's ladder
 * never sends anything; for the same reason the queues are the default pack's routing queues, whose
 * teams hear the clock warnings (`queueWarningRoute`). Sorted by route, each with the rules that use it.
 */
export function policyRoutes(policy: Policy, options: PolicyRouteOptions = {}): PolicyRoute[] {
  const uses = new Map<string, string[]>();
  const add = (route: string, rule: string): void => {
    const list = uses.get(route) ?? [];
    if (!list.includes(rule)) list.push(rule);
    uses.set(route, list);
  };
  for (const pack of policy.packs) {
    if (!pack.enabled && !options.includeDisabled) continue;
    for (const rule of pack.notifications) add(rule.to, `${pack.id}/notifications/${rule.id}`);
    if (!pack.isDefault) continue;
    for (const queue of policyQueues(policy))
      add(queueWarningRoute(queue), `${pack.id}/routing (clock warnings)`);
    for (const ladder of pack.escalation) {
      for (const step of ladder.steps)
        for (const role of step.notify) add(role, `${pack.id}/escalation/${ladder.id}`);
      for (const role of ladder.onBreach) add(role, `${pack.id}/escalation/${ladder.id}/onBreach`);
    }
  }
  return [...uses.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, usedBy]) => ({ route, usedBy }));
}

/** The regimes the installed packs implement (enabled or not), sorted: what a bureau may name. */
export function knownRegimes(policy: Policy): string[] {
  return [...new Set(policy.packs.map((p) => p.regime))].sort();
}
