import { ALL_SCOPE, type Actor } from '../auth/actor.js';
import { auditDraft } from '../audit/index.js';
import type { Logger } from '../platform/index.js';
import type { IndicatorSightingRepository } from './indicator-sighting.repository.js';
import type { IncidentRepository } from './incident.repository.js';
import { CLOSED_STATUSES, type CampaignLink, type Incident } from './incident.types.js';
import { indicatorKey } from './indicator.normaliser.js';
import type { TriageRequester } from './triage-request.js';

/** Other bureaux' open incidents sharing indicators with one incident. */
export interface CampaignMatch {
  relatedIncidentIds: string[];
  indicators: string[];
  relatedBureauxCount: number;
}

const LINK_ATTEMPTS = 5;

/** Merges a match into an existing link; null when nothing new would be added. */
export function mergeCampaign(
  current: CampaignLink | null,
  ids: readonly string[],
  keys: readonly string[],
): CampaignLink | null {
  const relatedIncidentIds = [...new Set([...(current?.relatedIncidentIds ?? []), ...ids])].sort();
  const indicators = [...new Set([...(current?.indicators ?? []), ...keys])].sort();
  const unchanged =
    current !== null &&
    relatedIncidentIds.length === current.relatedIncidentIds.length &&
    indicators.length === current.indicators.length;
  if (unchanged || relatedIncidentIds.length === 0) return null;
  return { relatedIncidentIds, indicators, flaggedAt: current?.flaggedAt ?? new Date() };
}

/**
 * Indicator matching across bureaux. Runs inside triage (retried until it succeeds), so every
 * accepted report is matched even if the API process died right after the insert.
 */
export class CampaignService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly sightings: IndicatorSightingRepository,
    private readonly requester: TriageRequester,
    private readonly logger: Logger,
  ) {}

  /** Records the incident's indicators and finds other bureaux' open incidents sharing any of them. */
  async match(incident: Incident): Promise<CampaignMatch> {
    const keys = incident.indicators.map(indicatorKey);
    const holders = await this.sightings.record(incident.id, incident.bureauId, keys);
    const foreign = await this.sightings.findForeign(keys, incident.bureauId, holders);
    const candidates = await this.incidents.findByIds(ALL_SCOPE, [
      ...new Set(foreign.map((s) => s.incidentId)),
    ]);
    const open = candidates.filter((related) => !CLOSED_STATUSES.includes(related.status));
    const openIds = new Set(open.map((related) => related.id));
    return {
      relatedIncidentIds: [...openIds].sort(),
      indicators: [...new Set(foreign.filter((s) => openIds.has(s.incidentId)).map((s) => s.key))].sort(),
      relatedBureauxCount: new Set(open.map((related) => related.bureauId)).size,
    };
  }

  /**
   * Flags the campaign on each related incident too (audited), and asks for their re-triage: another
   * bureau being hit can raise their severity. Idempotent: an existing link is left as it is.
   */
  async linkBack(actor: Actor, incident: Incident, match: CampaignMatch): Promise<void> {
    for (const relatedId of match.relatedIncidentIds) {
      for (let attempt = 0; attempt < LINK_ATTEMPTS; attempt++) {
        const related = await this.incidents.findById(ALL_SCOPE, relatedId);
        if (!related) break;
        const shared = match.indicators.filter((key) =>
          related.indicators.some((i) => indicatorKey(i) === key),
        );
        const campaign = mergeCampaign(related.campaign, [incident.id], shared);
        if (!campaign) break;
        const draft = auditDraft(
          actor,
          'incident.campaign_flagged',
          { type: 'incident', id: related.id, ref: related.ref },
          {
            bureauId: related.bureauId,
            changes: [{ field: 'campaign', before: related.campaign, after: campaign }],
            data: { trigger: incident.id },
          },
        );
        const updated = await this.incidents.applyChange(ALL_SCOPE, related.id, related.revision, {
          set: { campaign, triagePending: true },
          inc: { triageRound: 1 },
          audit: [draft],
        });
        if (!updated) continue;
        await this.requester.request(related.id, updated.triageRound, 'updated');
        break;
      }
    }
    this.logger.debug(
      { incidentId: incident.id, related: match.relatedIncidentIds.length },
      'campaign links checked',
    );
  }
}
