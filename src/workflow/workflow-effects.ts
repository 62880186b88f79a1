import type { Actor } from '../auth/index.js';
import {
  MET_BY_STATE,
  closeClocks,
  currentClocks,
  meetClocks,
  notificationIdFor,
  startClocks,
  stopClocks,
  type CalendarSet,
  type IncidentClock,
  type RecordedObligation,
} from '../clocks/index.js';
import type { IncidentStatus } from '../incidents/index.js';
import type { NotificationRequest, WorkflowIncident } from './workflow.types.js';

/** What entering a state does besides the status: clocks met, started or stopped, facts, notices. */
export interface TransitionEffects {
  clocks: IncidentClock[];
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
 * Side effects of moving `incident` to `to` at `at`: acknowledging and containing meet their clocks;
 * containment and recovery are start events (the post-incident report counts from resolution) and
 * set the incident time if the bureau has not; recovery ends the recovery-status repeats, closure the
 * interim reports and stops every clock still running (those marked not applicable keep the reason);
 * a rejected or merged incident's open clocks no longer apply. A rejection is still
 * reported back to the bureau.
 */
export function transitionEffects(
  incident: WorkflowIncident,
  to: IncidentStatus,
  actor: Actor,
  at: Date,
  calendars: CalendarSet,
  /** For `closed`: clocks marked not applicable, by key, with the reason (checked by the caller). */
  notApplicable: Readonly<Record<string, string>> = {},
): TransitionEffects {
  let clocks = currentClocks(incident, calendars);
  const set: Record<string, unknown> = {};
  const obligations: RecordedObligation[] = [];
  const outbox: NotificationRequest[] = [];
  const meets = MEETS[to];
  if (meets) {
    obligations.push({ obligation: meets, at, recordedBy: recordedBy(actor) });
    clocks = meetClocks(clocks, meets, at, calendars).clocks;
  }
  const times = incident.facts.times as Record<string, unknown>;
  if (to === 'contained') {
    const containedAt = (times.containedAt as Date | undefined) ?? at;
    if (!times.containedAt) set['facts.times.containedAt'] = at;
    clocks = startClocks(clocks, 'contained', new Date(containedAt), calendars);
  }
  if (to === 'recovered') {
    const resolvedAt = (times.resolvedAt as Date | undefined) ?? at;
    if (!times.resolvedAt) set['facts.times.resolvedAt'] = at;
    clocks = stopClocks(startClocks(clocks, 'resolved', new Date(resolvedAt), calendars), 'service_restored');
  }
  if (to === 'acknowledged') set.acknowledgedAt = at;
  // Closing stops every clock still running (the interim repeats with them): none shows running after.
  if (to === 'closed') clocks = closeClocks(clocks, new Map(Object.entries(notApplicable)), at);
  if (to === 'rejected' || to === 'duplicate') clocks = stopClocks(clocks, 'abandoned');
  if (to === 'rejected') {
    outbox.push({
      notificationId: notificationIdFor(incident.id, `status|rejected|${incident.revision}`),
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
  return { clocks, set, obligations, outbox };
}
