import { triageInputSchema, type TriageInput } from '../triage/index.js';
import type { Incident } from './incident.types.js';

/**
 * Maps a stored incident to what triage reads. Only triage-relevant facts cross over: no description,
 * contacts or indicators reach the policy. The report through this system is the first report to
 * GIRO-SO, so it starts the interim-report clock.
 */
export function toTriageInput(
  incident: Incident,
  bureauRegimes: readonly string[],
  relatedBureauxCount: number,
): TriageInput {
  const { facts } = incident;
  return triageInputSchema.parse({
    bureauId: incident.bureauId,
    bureauRegimes: [...bureauRegimes],
    regimes: facts.regimes,
    category: facts.category,
    times: {
      occurredAt: facts.times.occurredAt,
      discoveredAt: facts.times.discoveredAt,
      awareAt: facts.times.awareAt,
      reportedAt: incident.reportedAt,
      firstReportAt: incident.reportedAt,
      containedAt: facts.times.containedAt,
      resolvedAt: facts.times.resolvedAt,
      classifiedMajorAt: facts.times.classifiedMajorAt,
      ransomPaidAt: facts.times.ransomPaidAt,
    },
    system: facts.system,
    assetsAffected: facts.assetsAffected,
    impact: facts.impact,
    functionalImpact: facts.functionalImpact,
    informationImpact: facts.informationImpact,
    recoverability: facts.recoverability,
    classifiedData: facts.classifiedData,
    personalDataInvolved: facts.personalDataInvolved,
    peopleAffected: facts.peopleAffected,
    flags: facts.flags,
    relatedBureauxCount,
  });
}
