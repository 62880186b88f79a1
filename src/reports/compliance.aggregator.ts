import {
  clockOutcome,
  incidentDurations,
  type ClockOutcome,
  type IncidentDurations,
} from './clock-outcome.js';
import { distribution } from './percentile.js';
import type { ReportIncident } from './report-incident.js';
import type { ReportInterval } from './report.types.js';

/** Met / breached / open / not applicable counts of one clock in one bureau × severity × period. */
export type ClockCountRow = {
  regime: string;
  clockKey: string;
  clockName: string;
  bureauId: string;
  severity: string;
  period: string;
  met: number;
  breached: number;
  open: number;
  notApplicable: number;
};

/** Median and p90 (seconds) of one response time in one bureau × severity × period (`*` = all). */
export type DurationRow = {
  measure: keyof IncidentDurations;
  bureauId: string;
  severity: string;
  period: string;
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
};

const HK_OFFSET_MS = 8 * 3600_000; // Hong Kong has had no daylight saving since 1979.
const ALL = '*';
const MEASURES: ReadonlyArray<keyof IncidentDurations> = ['acknowledge', 'contain', 'resolve'];
const OUTCOME_FIELD: Record<ClockOutcome, 'met' | 'breached' | 'open' | 'notApplicable'> = {
  met: 'met',
  breached: 'breached',
  open: 'open',
  not_applicable: 'notApplicable',
};

/** The period label of an instant in Hong Kong time: `2026-03`, `2026-Q1`, `2026` or `all`. */
export function periodOf(at: Date | null, interval: ReportInterval): string {
  if (interval === 'all') return 'all';
  if (!at) return 'unknown';
  const local = new Date(at.getTime() + HK_OFFSET_MS);
  const year = String(local.getUTCFullYear());
  const month = local.getUTCMonth();
  if (interval === 'year') return year;
  if (interval === 'quarter') return `${year}-Q${Math.floor(month / 3) + 1}`;
  return `${year}-${String(month + 1).padStart(2, '0')}`;
}

/**
 * One pass over the incidents of a report: counts per clock and group, and the samples of response
 * times. Memory grows with the number of groups and three numbers per incident, never with documents.
 */
export class ComplianceAggregator {
  private readonly counts = new Map<string, ClockCountRow>();
  private readonly samples = new Map<
    string,
    { row: Omit<DurationRow, 'count' | 'medianSeconds' | 'p90Seconds'>; values: number[] }
  >();
  incidents = 0;

  constructor(
    private readonly interval: ReportInterval,
    private readonly regime?: string,
  ) {}

  add(incident: ReportIncident): void {
    this.incidents += 1;
    const bureauId = incident.bureauId;
    const severity = incident.severity ?? 'untriaged';
    const period = periodOf(incident.reportedAt, this.interval);
    for (const clock of incident.clocks) {
      if (this.regime && clock.regime !== this.regime) continue;
      const key = [clock.regime, clock.key, bureauId, severity, period].join('\u0000');
      let row = this.counts.get(key);
      if (!row) {
        row = {
          regime: clock.regime,
          clockKey: clock.key,
          clockName: clock.name,
          bureauId,
          severity,
          period,
          met: 0,
          breached: 0,
          open: 0,
          notApplicable: 0,
        };
        this.counts.set(key, row);
      }
      row[OUTCOME_FIELD[clockOutcome(clock)]] += 1;
    }
    const durations = incidentDurations(incident);
    for (const measure of MEASURES) {
      const value = durations[measure];
      if (value === undefined) continue;
      this.sample({ measure, bureauId, severity, period }, value);
      this.sample({ measure, bureauId: ALL, severity: ALL, period: ALL }, value);
    }
  }

  private sample(row: Omit<DurationRow, 'count' | 'medianSeconds' | 'p90Seconds'>, value: number): void {
    const key = [row.measure, row.bureauId, row.severity, row.period].join('\u0000');
    let entry = this.samples.get(key);
    if (!entry) {
      entry = { row, values: [] };
      this.samples.set(key, entry);
    }
    entry.values.push(value);
  }

  /** Count rows, sorted by regime, clock, bureau, severity, period. */
  clockRows(): ClockCountRow[] {
    const order = (r: ClockCountRow) =>
      [r.regime, r.clockKey, r.bureauId, r.severity, r.period].join('\u0000');
    return [...this.counts.values()].sort((a, b) => order(a).localeCompare(order(b)));
  }

  /** Distribution rows; the overall row (`*`) of each measure first. */
  durationRows(): DurationRow[] {
    const rows = [...this.samples.values()].map(({ row, values }) => {
      const { count, median, p90 } = distribution(values);
      return { ...row, count, medianSeconds: median, p90Seconds: p90 };
    });
    const order = (r: DurationRow) =>
      [MEASURES.indexOf(r.measure), r.bureauId === ALL ? '' : r.bureauId, r.severity, r.period].join(
        '\u0000',
      );
    return rows.sort((a, b) => order(a).localeCompare(order(b)));
  }

  /** Totals by one dimension, for the charts: met / breached / open per bureau or per severity. */
  totalsBy(
    dimension: 'bureauId' | 'severity',
  ): Array<{ label: string; met: number; breached: number; open: number }> {
    const totals = new Map<string, { label: string; met: number; breached: number; open: number }>();
    for (const row of this.counts.values()) {
      const label = row[dimension];
      const total = totals.get(label) ?? { label, met: 0, breached: 0, open: 0 };
      total.met += row.met;
      total.breached += row.breached;
      total.open += row.open;
      totals.set(label, total);
    }
    return [...totals.values()].sort((a, b) => a.label.localeCompare(b.label));
  }
}
