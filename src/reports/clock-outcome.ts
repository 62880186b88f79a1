import type { ReportIncident, StoredClock } from './report-incident.js';

/** How a clock ended (or stands) for compliance counting. */
export type ClockOutcome = 'met' | 'breached' | 'open' | 'not_applicable';

/**
 * Met means met by its due time. A clock that breached counts as breached even when the obligation
 * was done later (the deadline was still missed), and so does one stored as met after its due time:
 * the figure must not depend on whether the engine got round to marking the breach first.
 */
export function clockOutcome(clock: StoredClock): ClockOutcome {
  if (clock.state === 'not_applicable') return 'not_applicable';
  if (clock.state === 'breached' || clock.breachedAt) return 'breached';
  if (clock.state === 'met') {
    const late = clock.metAt && clock.dueAt && clock.metAt.getTime() > clock.dueAt.getTime();
    return late ? 'breached' : 'met';
  }
  return 'open';
}

/** Seconds past the due time at which the clock was met, or (still open) at `now`; null if on time. */
export function secondsLate(clock: StoredClock, now: Date): number | null {
  if (!clock.dueAt) return null;
  const end = clock.metAt ?? now;
  const late = Math.round((end.getTime() - clock.dueAt.getTime()) / 1000);
  return late > 0 ? late : null;
}

/** Whole seconds from `from` to `to`, never negative (a containment before the report counts as 0). */
function span(from: Date | null, to: Date | null): number | undefined {
  if (!from || !to) return undefined;
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}

const metOf = (incident: ReportIncident, obligation: string): Date | null =>
  incident.clocks.find((clock) => clock.obligation === obligation && clock.metAt)?.metAt ?? null;

/** The three response times of issue 7, in seconds; a measure is absent until it happened. */
export interface IncidentDurations {
  acknowledge?: number;
  contain?: number;
  resolve?: number;
}

/**
 * Acknowledge counts from the report reaching the CERT to the `incident.acknowledge` clock being met
 * (what the CERT controls); contain and resolve count from awareness (discovery when awareness was
 * not given), the start the regulations use, to `facts.times` or, for containment, the met clock.
 */
export function incidentDurations(incident: ReportIncident): IncidentDurations {
  const start = incident.times.awareAt ?? incident.times.discoveredAt ?? incident.reportedAt;
  const out: IncidentDurations = {};
  const acknowledge = span(incident.reportedAt, metOf(incident, 'incident.acknowledge'));
  const contain = span(start, incident.times.containedAt ?? metOf(incident, 'incident.contain'));
  const resolve = span(start, incident.times.resolvedAt);
  if (acknowledge !== undefined) out.acknowledge = acknowledge;
  if (contain !== undefined) out.contain = contain;
  if (resolve !== undefined) out.resolve = resolve;
  return out;
}
