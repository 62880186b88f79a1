import type { Actor } from '../auth/index.js';
import { MET_BY_STATE, notificationIdFor, type RecordedObligation } from '../clocks/index.js';
import type { IncidentStatus } from '../incidents/index.js';
import type { NotificationRequest, WorkflowIncident } from './workflow.types.js';

/** What entering a state records besides the status: the facts the clocks follow, and notices. */
export interface TransitionEffects {
  set: Record<string, unknown>;
  obligations: RecordedObligation[];
  outbox: NotificationRequest[];
}

export const recordedBy = (actor: Actor): RecordedObligation['recordedBy'] => ({
  userId: actor.userId,
  role: actor.role,
  bureauId: actor.bureauId,
});

/** The obligation a state meets, if any (the internal service levels of the CERT). */
const MEETS: Partial<Record<IncidentStatus, string>> = MET_BY_STATE;

/**
 * The facts moving `incident` to `to` at `at` records: acknowledging and containing record the
 * obligation they meet; containment and recovery are milestones (clocks start from them: the
 * post-incident report counts from resolution) and set the incident time if the bureau has not;
 * closing records when, and the clocks marked not applicable with their reasons. The clocks are derived
 * from these facts by the clock rules (closing stops every clock still running, rejecting or merging
 * abandons them), never written here. A rejection is still reported back to the bureau.
 */
export function transitionEffects(
  incident: WorkflowIncident,
  to: IncidentStatus,
  actor: Actor,
  at: Date,
  /** For `closed`: clocks marked not applicable, by key, with the reason (checked by the caller). */
  notApplicable: Readonly<Record<string, string>> = {},
): TransitionEffects {
  const set: Record<string, unknown> = {};
  const obligations: RecordedObligation[] = [];
  const outbox: NotificationRequest[] = [];
  const meets = MEETS[to];
  if (meets) obligations.push({ obligation: meets, at, recordedBy: recordedBy(actor) });
  const times = incident.facts.times as Record<string, unknown>;
  if (to === 'contained') {
    if (!times.containedAt) set['facts.times.containedAt'] = at;
    if (!incident.milestones.contained) set['milestones.contained'] = at;
  }
  if (to === 'recovered') {
    if (!times.resolvedAt) set['facts.times.resolvedAt'] = at;
    if (!incident.milestones.recovered) set['milestones.recovered'] = at;
  }
  if (to === 'acknowledged') set.acknowledgedAt = at;
  if (to === 'closed') {
    set['milestones.closed'] = at;
    // As a list: clock keys hold dots, which a stored field name may not.
    set.notApplicable = Object.entries(notApplicable).map(([clock, reason]) => ({ clock, reason }));
  }
  if (to === 'rejected') {
    outbox.push({
      notificationId: notificationIdFor(incident.id, `status|rejected|${String(incident.revision)}`),
      kind: 'status-update',
      template: 'status-update',
      recipients: ['reporting-bureau'],
      data: {
        previousStatus: incident.status,
        update: {
          summary: 'Assessed as not an incident; the finding is on record.',
          at: at.toISOString(),
          by: actor.name,
        },
      },
      createdAt: at,
    });
  }
  return { set, obligations, outbox };
}
