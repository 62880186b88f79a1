import { ALL_SCOPE, scopeOf, type Actor, NotFoundError } from '../platform/index.js';
import type { IndicatorSightingRepository } from './indicator-sighting.repository.js';
import type { IncidentRepository } from './incident.repository.js';
import type { Incident, IncidentStatus } from './incident.types.js';
import { indicatorKey } from './indicator.normaliser.js';
import { isCertRole } from './incident.view.js';

/**
 * Another incident as someone may be shown it without reading it: its reference and bureau only.
 * `id` and `status` are there only when the viewer may read that incident (its page would open).
 */
export interface OtherIncident {
  ref: string;
  bureauId: string;
  id: string | null;
  status: IncidentStatus | null;
}

/** One indicator of an incident and the other bureaux' incidents that reported the same one. */
export interface IndicatorMatches {
  type: string;
  value: string;
  seenIn: OtherIncident[];
}

/** The incident's indicators with their matches, and its campaign's related incidents. */
export interface IncidentMatches {
  indicators: IndicatorMatches[];
  /** The campaign link's related incidents (CERT roles only; empty for a bureau). */
  campaign: OtherIncident[];
}

const byRef = (a: OtherIncident, b: OtherIncident) => a.ref.localeCompare(b.ref);

/**
 * Where else an incident's indicators were seen (the same normalised indicator in other bureaux'
 * incidents, from the indicator index) and which incidents its campaign link names. Read only: the
 * matching itself runs in triage (CampaignService). What is shown of another incident depends on
 * whether the viewer may read it: a bureau never learns other bureaux' incidents this way, CERT roles
 * (who may read every incident) get a link.
 */
export class IndicatorMatchService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly sightings: IndicatorSightingRepository,
  ) {}

  async forIncident(actor: Actor, id: string): Promise<IncidentMatches> {
    const incident = await this.incidents.findById(scopeOf(actor), id);
    if (!incident) throw new NotFoundError('Incident');
    // Campaign links and other bureaux' sightings name other bureaux' incidents: CERT eyes only.
    if (!isCertRole(actor)) {
      return {
        indicators: incident.indicators.map((i) => ({ type: i.type, value: i.value, seenIn: [] })),
        campaign: [],
      };
    }
    const keys = incident.indicators.map(indicatorKey);
    const foreign = await this.sightings.findForeign(keys, incident.bureauId);
    const others = await this.describe(actor, [
      ...foreign.map((s) => s.incidentId),
      ...(incident.campaign?.relatedIncidentIds ?? []),
    ]);
    const seenBy = new Map<string, OtherIncident[]>();
    for (const sighting of foreign) {
      const other = others.get(sighting.incidentId);
      if (!other) continue;
      seenBy.set(sighting.key, [...(seenBy.get(sighting.key) ?? []), other]);
    }
    return {
      indicators: incident.indicators.map((indicator) => ({
        type: indicator.type,
        value: indicator.value,
        seenIn: [...(seenBy.get(indicatorKey(indicator)) ?? [])].sort(byRef),
      })),
      campaign: (incident.campaign?.relatedIncidentIds ?? [])
        .flatMap((related) => others.get(related) ?? [])
        .sort(byRef),
    };
  }

  /** Reference and bureau of each incident; id and status only where the viewer's scope reaches it. */
  private async describe(actor: Actor, ids: readonly string[]): Promise<Map<string, OtherIncident>> {
    const found = await this.incidents.findByIds(ALL_SCOPE, ids);
    const scope = scopeOf(actor);
    const readable = (other: Incident) => scope.kind === 'all' || scope.bureauId === other.bureauId;
    return new Map(
      found.map((other) => [
        other.id,
        {
          ref: other.ref,
          bureauId: other.bureauId,
          id: readable(other) ? other.id : null,
          status: readable(other) ? other.status : null,
        },
      ]),
    );
  }
}
