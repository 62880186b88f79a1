import type { Actor } from '../platform/index.js';
import type { DecisionReason, Severity } from '../triage/index.js';
import type { Incident } from './incident.types.js';

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
  updates: Incident['updates'];
  clocks: Incident['clocks'];
  revision: number;
  triage?: Incident['triage'];
  notifications?: Incident['notifications'];
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
    updates: incident.updates,
    clocks: incident.clocks,
    revision: incident.revision,
  };
  if (!isCertRole(actor)) return view;
  return {
    ...view,
    triage: incident.triage,
    notifications: incident.notifications,
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
