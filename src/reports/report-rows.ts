import { clockOutcome, secondsLate } from './clock-outcome.js';
import type { ReportIncident, StoredClock } from './report-incident.js';
import type { ReportRow } from './report.types.js';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/** Register: one row per incident with its key fields and where it stands now. */
export function registerRow(incident: ReportIncident): ReportRow {
  const outcomes = incident.clocks.map(clockOutcome);
  const count = (outcome: string) => outcomes.filter((o) => o === outcome).length;
  return {
    ref: incident.ref,
    bureauId: incident.bureauId,
    category: incident.category,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    regimes: incident.regimes.join(' '),
    reportedAt: iso(incident.reportedAt),
    awareAt: iso(incident.times.awareAt),
    containedAt: iso(incident.times.containedAt),
    resolvedAt: iso(incident.times.resolvedAt),
    clocksMet: count('met'),
    clocksBreached: count('breached'),
    clocksOpen: count('open'),
  };
}

const inRegime = (clock: StoredClock, regime?: string) => !regime || clock.regime === regime;

/** Breaches: one row per breached clock, with the escalations it set off (`step@time→tier`). */
export function breachRows(incident: ReportIncident, now: Date, regime?: string): ReportRow[] {
  return incident.clocks
    .filter((clock) => inRegime(clock, regime) && clockOutcome(clock) === 'breached')
    .map((clock) => ({
      ref: incident.ref,
      bureauId: incident.bureauId,
      severity: incident.severity,
      regime: clock.regime,
      clockKey: clock.key,
      clockName: clock.name,
      occurrence: clock.occurrence,
      dueAt: iso(clock.dueAt),
      breachedAt: iso(clock.breachedAt ?? clock.dueAt),
      metAt: iso(clock.metAt),
      secondsLate: secondsLate(clock, now),
      escalations: clock.escalations
        .map(
          (e) =>
            `${e.step}@${iso(e.at) ?? '?'}→${e.tier}${e.notified.length ? `(${e.notified.join(',')})` : ''}`,
        )
        .join('; '),
    }));
}

/** The party a report obligation goes to: `report.<party>.<kind>` by convention of the policy packs. */
export function partyOf(obligation: string): string {
  const [head, party] = obligation.split('.');
  return head === 'report' && party ? party : obligation;
}

/** Outcome of one report obligation: done in time, done late, missed, still to do, or no deadline. */
export type ReportOutcome = 'on_time' | 'late' | 'missed' | 'pending' | 'no_deadline';

function outcomeOf(dueAt: Date | null, recordedAt: Date | null, now: Date): ReportOutcome {
  if (!dueAt) return recordedAt ? 'no_deadline' : 'pending';
  if (recordedAt) return recordedAt.getTime() <= dueAt.getTime() ? 'on_time' : 'late';
  return now.getTime() > dueAt.getTime() ? 'missed' : 'pending';
}

const EXTERNAL_PARTY: Record<string, string> = { pcpd: 'pcpd', police: 'police' };

/**
 * Notification timeliness: every regulatory report clock (`report.*`: GIRO, Cap. 653, PCPD, NIS2...)
 * with when it was due and when its obligation was recorded, plus the Police and PCPD notifications
 * the bureau recorded on the report, which have no statutory clock ("as soon as practicable").
 */
export function notificationRows(incident: ReportIncident, now: Date, regime?: string): ReportRow[] {
  const base = { ref: incident.ref, bureauId: incident.bureauId, severity: incident.severity };
  const rows: ReportRow[] = [];
  const covered = new Set<string>();
  for (const clock of incident.clocks) {
    if (!clock.obligation.startsWith('report.') || !inRegime(clock, regime)) continue;
    const party = partyOf(clock.obligation);
    covered.add(party);
    const record = incident.obligations
      .filter((o) => o.obligation === clock.obligation && o.at)
      .sort((a, b) => (a.at?.getTime() ?? 0) - (b.at?.getTime() ?? 0))
      .at(clock.occurrence - 1);
    const recordedAt = record?.at ?? (clock.state === 'met' ? clock.metAt : null);
    rows.push({
      ...base,
      regime: clock.regime,
      party,
      obligation: clock.obligation,
      occurrence: clock.occurrence,
      dueAt: iso(clock.dueAt),
      recordedAt: iso(recordedAt),
      recordedBy: record?.recordedBy ?? null,
      reference: record?.reference ?? null,
      outcome: outcomeOf(clock.dueAt, recordedAt, now),
    });
  }
  for (const told of incident.externalNotified) {
    const party = EXTERNAL_PARTY[told.party];
    if (!party || covered.has(party) || regime) continue;
    rows.push({
      ...base,
      regime: null,
      party,
      obligation: `report.${party}`,
      occurrence: 1,
      dueAt: null,
      recordedAt: iso(told.at),
      recordedBy: 'reporting bureau',
      reference: told.reference,
      outcome: 'no_deadline',
    });
  }
  return rows;
}
