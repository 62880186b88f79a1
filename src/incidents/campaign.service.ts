import { ALL_SCOPE, type Actor, type Logger } from '../platform/index.js';
import { auditDraft, type AuditDraft } from '../audit/index.js';
import { readDecideWrite, type Decision } from '../platform/db/index.js';
import type { DecisionReason, Severity } from '../triage/index.js';
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

/** What the CERT makes of a match: the priority the policy gives with the other bureaux counted. */
export interface CampaignAssessment {
  relatedBureauxCount: number;
  priority: Severity | null;
  priorityReasons: DecisionReason[];
}

const LINK_ATTEMPTS = 5;

/** A link change decided on one read: the link it replaces (the guard), the new one, its audit event. */
interface LinkChange {
  before: CampaignLink | null;
  after: CampaignLink;
  draft: AuditDraft;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Merges a match (and, from triage, its assessment) into an existing link; null when nothing would
 * change. Related incidents and indicators only accumulate.
 */
export function mergeCampaign(
  current: CampaignLink | null,
  ids: readonly string[],
  keys: readonly string[],
  assessment?: CampaignAssessment,
): CampaignLink | null {
  const relatedIncidentIds = [...new Set([...(current?.relatedIncidentIds ?? []), ...ids])].sort();
  if (relatedIncidentIds.length === 0) return null;
  const indicators = [...new Set([...(current?.indicators ?? []), ...keys])].sort();
  const assessed: CampaignAssessment = assessment ?? {
    relatedBureauxCount: current?.relatedBureauxCount ?? 0,
    priority: current?.priority ?? null,
    priorityReasons: current?.priorityReasons ?? [],
  };
  const unchanged =
    current !== null &&
    relatedIncidentIds.length === current.relatedIncidentIds.length &&
    indicators.length === current.indicators.length &&
    assessed.relatedBureauxCount === (current.relatedBureauxCount ?? 0) &&
    assessed.priority === (current.priority ?? null) &&
    sameJson(assessed.priorityReasons, current.priorityReasons ?? []);
  if (unchanged) return null;
  return {
    relatedIncidentIds,
    indicators,
    flaggedAt: current?.flaggedAt ?? new Date(),
    version: (current?.version ?? 0) + 1,
    ...assessed,
  };
}

/**
 * Indicator matching across bureaux. Runs inside triage (retried until it succeeds), so every
 * accepted report is matched even if the API process died right after the insert.
 *
 * Campaign effects are CERT-side only: the link (related incidents, shared indicators, a priority) is
 * written on its own, never with the bureau-facing decision, and never moves an incident's revision.
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
   * Stores the match and its assessment on the incident's own link (audited when it changes).
   * Returns whether it changed anything.
   */
  async record(
    actor: Actor,
    incident: Incident,
    match: CampaignMatch,
    assessment: CampaignAssessment,
  ): Promise<boolean> {
    return this.updateLink(actor, incident, (current) =>
      mergeCampaign(current, match.relatedIncidentIds, match.indicators, assessment),
    );
  }

  /**
   * Flags the campaign on each related incident too (audited, its revision left alone), and asks for
   * their campaign re-triage, bounded to one per incident per window (see
   * {@link TriageRequester.requestCampaign}): it refreshes their CERT-side priority. Idempotent.
   */
  async linkBack(actor: Actor, incident: Incident, match: CampaignMatch): Promise<void> {
    for (const relatedId of match.relatedIncidentIds) {
      const related = await this.incidents.findById(ALL_SCOPE, relatedId);
      if (!related) continue;
      const changed = await this.updateLink(
        actor,
        related,
        (current, fresh) =>
          mergeCampaign(
            current,
            [incident.id],
            match.indicators.filter((key) => fresh.indicators.some((i) => indicatorKey(i) === key)),
          ),
        incident.id,
      );
      if (changed) await this.requester.requestCampaign(related.id);
    }
    this.logger.debug(
      { incidentId: incident.id, related: match.relatedIncidentIds.length },
      'campaign links checked',
    );
  }

  /** Compare-and-set on one incident's link; `next` returns null when there is nothing to write. */
  private async updateLink(
    actor: Actor,
    incident: Incident,
    next: (current: CampaignLink | null, fresh: Incident) => CampaignLink | null,
    trigger?: string,
  ): Promise<boolean> {
    // The first decision is made on the incident the caller just read; only a lost race reads again.
    let held: Incident | null = incident;
    return readDecideWrite({
      read: () => {
        const given = held;
        held = null;
        return given ? Promise.resolve(given) : this.incidents.findById(ALL_SCOPE, incident.id);
      },
      decide: (fresh): Decision<LinkChange, boolean> => {
        if (!fresh) return { done: false };
        const campaign = next(fresh.campaign, fresh);
        if (!campaign) return { done: false };
        const draft = auditDraft(
          actor,
          'incident.campaign_flagged',
          { type: 'incident', id: fresh.id, ref: fresh.ref },
          {
            bureauId: fresh.bureauId,
            changes: [{ field: 'campaign', before: fresh.campaign, after: campaign }],
            ...(trigger === undefined ? {} : { data: { trigger } }),
          },
        );
        return { write: { before: fresh.campaign, after: campaign, draft } };
      },
      write: async ({ before, after, draft }) =>
        (await this.incidents.updateCampaign(incident.id, before, after, [draft])) ? true : null,
      attempts: LINK_ATTEMPTS,
      exhausted: () => new Error(`campaign link of incident ${incident.id} kept changing`),
    });
  }
}
