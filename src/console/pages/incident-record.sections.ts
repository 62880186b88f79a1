import type { Language } from '../../accounts/index.js';
import { roleHas, type Actor } from '../../auth/index.js';
import type { AuditService } from '../../audit/index.js';
import type { IndicatorMatchService, OtherIncident } from '../../incidents/index.js';
import { PAP_LEVELS, TLP_LEVELS, type PapLevel, type TlpLevel } from '../../platform/index.js';
import type { Translator } from '../i18n.js';

/** The incident's own audit history, read through the audit module's service (never its repository). */
export type HistorySource = Pick<AuditService, 'subjectPage'>;
/** Indicator matches in other bureaux and the campaign's incidents (the incidents module's service). */
export type MatchSource = Pick<IndicatorMatchService, 'forIncident'>;

/** Audit events per page of the incident's history. */
export const HISTORY_PAGE = 20;

/**
 * Who sees an incident's audit history on its page: whoever may read the audit trail, or the incident
 * itself (CERT roles, who reach this page). A bureau's reporter reads its share of the timeline instead,
 * never raw events (they carry the CERT's internal work).
 */
export function mayReadHistory(actor: Actor): boolean {
  if (actor.role === 'system' || actor.role === 'reporter') return false;
  return roleHas(actor.role, 'audit.read') || roleHas(actor.role, 'incident.read');
}

/** One page of the incident's audit events, newest first, with the address of the next (older) page. */
export async function historySection(
  source: HistorySource,
  translator: Translator,
  lang: Language,
  incidentId: string,
  before: number | undefined,
) {
  const page = await source.subjectPage('incident', incidentId, { before, limit: HISTORY_PAGE });
  return {
    rows: page.events.map((event) => ({
      seq: event.seq,
      at: event.at,
      actor: event.actor.name || event.actor.userId,
      role: translator.has(`roles.${event.actor.role}`)
        ? translator.t(lang, `roles.${event.actor.role}`)
        : event.actor.role,
      action: event.action,
      fields: event.changes.map((change) => change.field).join(', '),
    })),
    newer: before !== undefined ? `/console/incidents/${incidentId}/work#history-h` : null,
    older:
      page.nextBefore !== null
        ? `/console/incidents/${incidentId}/work?auditBefore=${page.nextBefore}#history-h`
        : null,
  };
}

/** The indicators with where else they were seen, and the campaign's incidents. */
export async function matchesSection(
  source: MatchSource,
  translator: Translator,
  lang: Language,
  actor: Actor,
  incidentId: string,
) {
  const matches = await source.forIncident(actor, incidentId);
  // Reference and bureau always; a link and the status only for an incident the viewer may read.
  const other = (incident: OtherIncident) => ({
    ref: incident.ref,
    bureauId: incident.bureauId,
    id: incident.id,
    status: incident.status ? translator.t(lang, `statuses.${incident.status}`) : null,
  });
  return {
    indicators: matches.indicators.map((indicator) => ({
      type: indicator.type,
      value: indicator.value,
      seenIn: indicator.seenIn.map(other),
    })),
    campaign: matches.campaign.map(other),
  };
}

/** The markings form's choices, the current ones selected (labels are never translated). */
export function markingChoices(tlp: TlpLevel, pap: PapLevel) {
  return {
    tlp: TLP_LEVELS.map((level) => ({ value: level, selected: level === tlp })),
    pap: PAP_LEVELS.map((level) => ({ value: level, selected: level === pap })),
  };
}
