import { ALL_SCOPE } from '../../src/auth/index.js';
import type { TestRuntime } from './runtime.js';

/** One notification spec of an incident with its status as the incident API shows it. */
export interface SpecStatus {
  key: string;
  to: string;
  status: string;
}

/**
 * The notifications the incident owes with their statuses read from the notifications, as the
 * incident API shows them (the decision record in force holds them, the notifications module owns
 * their outcomes).
 */
export async function incidentNotificationStatuses(
  runtime: Pick<TestRuntime, 'modules'>,
  id: string,
): Promise<SpecStatus[]> {
  const incident = await runtime.modules.intake.repository.findById(ALL_SCOPE, id);
  const decisionId = incident?.triage?.decisionId;
  const specs = decisionId
    ? ((await runtime.modules.intake.decisions.detailsOf([decisionId])).get(decisionId)?.owed ?? [])
    : [];
  const statuses = await runtime.modules.notifications.incidentNotificationStatuses([
    { incidentId: id, keys: specs.map((n) => n.key) },
  ]);
  return specs.map((n) => ({ key: n.key, to: n.to, status: statuses.get(id)?.get(n.key) ?? n.status }));
}

/**
 * Adds a `dispatch` job for the incident now, as the triage write records one (requesting is
 * idempotent by each notification's key, so beside the job triage caused it requests nothing twice).
 */
export async function dispatchNotifications(
  runtime: Pick<TestRuntime, 'platform'>,
  id: string,
  round = 0,
): Promise<void> {
  await runtime.platform.queues.add('dispatch', { incidentId: id, round }, { jobId: `${id}-n${round}` });
}
