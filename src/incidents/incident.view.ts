import type { Actor } from '../platform/index.js';
import type { ClockSpec, DecisionDetailsLookup, DecisionReason, Severity } from '../triage/index.js';
import type { Incident, IncidentNotification, IncidentTriage, IncidentUpdate } from './incident.types.js';

/** The decision in force as the API shows it: the incident's summary with the record's reasons. */
export type IncidentTriageView = IncidentTriage & { reasons: DecisionReason[] };

/** The incident as the API returns it (JSON-ready: dates become strings when serialised). */
export interface IncidentView {
  id: string;
  ref: string;
  bureauId: string;
  status: Incident['status'];
  severity: Incident['severity'];
  tlp: Incident['tlp'];
  pap: Incident['pap'];
  reportedAt: Date;
  triagedAt: Date | null;
  facts: Incident['facts'];
  indicators: Incident['indicators'];
  externalNotified: Incident['externalNotified'];
  updates: IncidentUpdate[];
  /** The incident's clocks, from their record (`completeViews` reads them). */
  clocks: ClockSpec[];
  revision: number;
  triage?: IncidentTriageView | null;
  /** The notifications owed (CERT roles), from the decision in force, each with its own status. */
  notifications?: IncidentNotification[];
  campaign?: {
    relatedIncidentIds: string[];
    indicators: string[];
    relatedBureauxCount: number;
    priority: Severity | null;
    priorityReasons: DecisionReason[];
  } | null;
}

/** Whether the actor works for the CERT (sees every bureau, campaigns and routing). */
export const isCertRole = (actor: Actor): boolean => actor.role !== 'reporter';

/**
 * What `actor` may see of `incident`. Reporters get their bureau's facts, status, severity and clocks
 * (all decided without other bureaux' facts, so they say nothing about them);
 * never campaign links (they name other bureaux' incidents), triage reasons (which may say that other
 * bureaux were hit), routing or notification plans. Built field by field so nothing new leaks by default.
 */
export function toIncidentView(incident: Incident, actor: Actor): IncidentView {
  const view: IncidentView = {
    id: incident.id,
    ref: incident.ref,
    bureauId: incident.bureauId,
    status: incident.status,
    severity: incident.severity,
    // The bureau's own markings: reporters see them too (they say how the CERT shares the incident).
    tlp: incident.tlp,
    pap: incident.pap,
    reportedAt: incident.reportedAt,
    triagedAt: incident.triagedAt,
    facts: incident.facts,
    indicators: incident.indicators,
    externalNotified: incident.externalNotified,
    // The follow-ups are their own records: the incident service reads them for the views it returns.
    updates: [],
    // The clocks are their own record: `completeViews` reads them for the views it returns.
    clocks: [],
    revision: incident.revision,
  };
  if (!isCertRole(actor)) return view;
  return {
    ...view,
    // The reasons and the notifications owed are the decision record's: `completeViews` reads them.
    triage: incident.triage ? { ...incident.triage, reasons: [] } : null,
    notifications: [],
    campaign: incident.campaign
      ? {
          relatedIncidentIds: incident.campaign.relatedIncidentIds,
          indicators: incident.campaign.indicators,
          relatedBureauxCount: incident.campaign.relatedBureauxCount ?? 0,
          priority: incident.campaign.priority ?? null,
          priorityReasons: incident.campaign.priorityReasons ?? [],
        }
      : null,
  };
}

/** The notification specs of one incident whose statuses are asked for. */
export interface NotificationSpecKeys {
  incidentId: string;
  keys: readonly string[];
}

/**
 * The status of each named notification spec, by incident id and spec key, as its notification has
 * it (the notifications module owns them; injected, since it imports this module). A spec with no
 * notification yet is absent from the answer.
 */
export type NotificationStatusLookup = (
  specs: readonly NotificationSpecKeys[],
) => Promise<Map<string, Map<string, IncidentNotification['status']>>>;

/** What completes the views from records other modules own (injected: those modules import this one). */
export interface ViewLookups {
  notificationStatuses?: NotificationStatusLookup | undefined;
  decisionDetails?: DecisionDetailsLookup | undefined;
  clocks?: ClockLookup | undefined;
}

/** The clocks of these incidents, by id, from their records (the clocks module's; injected). */
export type ClockLookup = (incidentIds: readonly string[]) => Promise<Map<string, ClockSpec[]>>;

/**
 * The views with their clocks, their decisions' reasons and notifications owed, and those
 * notifications' statuses: one read of each for all of them.
 */
export async function completeViews(views: IncidentView[], lookups: ViewLookups): Promise<IncidentView[]> {
  const [withDetails, clocks] = await Promise.all([
    withDecisionDetails(views, lookups.decisionDetails),
    clocksOf(views, lookups.clocks),
  ]);
  const complete = await withNotificationStatuses(withDetails, lookups.notificationStatuses);
  return clocks.size === 0
    ? complete
    : complete.map((view) => ({ ...view, clocks: clocks.get(view.id) ?? [] }));
}

/** The clocks of the triaged views, in one read: an incident not triaged yet has none. */
async function clocksOf(
  views: IncidentView[],
  lookup: ClockLookup | undefined,
): Promise<Map<string, ClockSpec[]>> {
  const ids = views.filter((view) => view.triagedAt !== null).map((view) => view.id);
  if (!lookup || ids.length === 0) return new Map();
  return lookup(ids);
}

/**
 * The views with each decision's reasons and notifications owed read from its record, in one read
 * for all of them. A view without a decision (a reporter's, or one not triaged yet) costs nothing.
 */
async function withDecisionDetails(
  views: IncidentView[],
  lookup: DecisionDetailsLookup | undefined,
): Promise<IncidentView[]> {
  const ids = views.flatMap((view) => (view.triage ? [view.triage.decisionId] : []));
  if (!lookup || ids.length === 0) return views;
  const details = await lookup(ids);
  return views.map((view) => {
    if (!view.triage) return view;
    const found = details.get(view.triage.decisionId);
    return {
      ...view,
      triage: { ...view.triage, reasons: found?.reasons ?? [] },
      notifications: found?.owed ?? [],
    };
  });
}

/**
 * The views with each notification spec's status read from its notification, in one lookup for all of
 * them: the incident stores the specs triage decided, never their outcomes (a mail going out must not
 * move the revision a responder holds). A spec with no notification yet keeps the status stored with
 * it (`pending`, or the outcome an earlier version wrote there). Views without notifications (a
 * reporter's) cost nothing.
 */
async function withNotificationStatuses(
  views: IncidentView[],
  lookup: NotificationStatusLookup | undefined,
): Promise<IncidentView[]> {
  const specs = views
    .filter((view) => view.notifications !== undefined && view.notifications.length > 0)
    .map((view) => ({
      incidentId: view.id,
      keys: (view.notifications ?? []).map((n: IncidentNotification) => n.key),
    }));
  if (!lookup || specs.length === 0) return views;
  const statuses = await lookup(specs);
  return views.map((view) => {
    const ofIncident = statuses.get(view.id);
    if (!ofIncident || !view.notifications) return view;
    const notifications = view.notifications.map((n): IncidentNotification => {
      const status = ofIncident.get(n.key);
      return status === undefined ? n : { ...n, status };
    });
    return { ...view, notifications };
  });
}
