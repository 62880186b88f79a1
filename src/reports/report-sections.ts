import type { Scope } from '../platform/index.js';
import { advisoryRows } from './advisory-rows.js';
import { ComplianceAggregator } from './compliance.aggregator.js';
import type { ReportSourceRepository } from './report-source.repository.js';
import { breachRows, notificationRows, registerRow } from './report-rows.js';
import type { ReportFilter, ReportRow, ReportSection } from './report.types.js';
import type { AuditEvent } from '../audit/index.js';
import { inTrailSelection, trailRow, type TrailSource } from './trail-source.js';

/** Column order of each section (CSV header, HTML table head). */
export const SECTION_COLUMNS: Record<ReportSection, readonly string[]> = {
  incidents: [
    'ref',
    'bureauId',
    'category',
    'title',
    'severity',
    'status',
    'regimes',
    'reportedAt',
    'awareAt',
    'containedAt',
    'resolvedAt',
    'clocksMet',
    'clocksBreached',
    'clocksOpen',
  ],
  clocks: [
    'regime',
    'clockKey',
    'clockName',
    'bureauId',
    'severity',
    'period',
    'met',
    'breached',
    'open',
    'notApplicable',
  ],
  durations: ['measure', 'bureauId', 'severity', 'period', 'count', 'medianSeconds', 'p90Seconds'],
  breaches: [
    'ref',
    'bureauId',
    'severity',
    'regime',
    'clockKey',
    'clockName',
    'occurrence',
    'dueAt',
    'breachedAt',
    'metAt',
    'secondsLate',
    'escalations',
  ],
  reports: [
    'ref',
    'bureauId',
    'severity',
    'regime',
    'party',
    'obligation',
    'occurrence',
    'dueAt',
    'recordedAt',
    'recordedBy',
    'reference',
    'outcome',
  ],
  advisories: [
    'advisory',
    'title',
    'tlp',
    'status',
    'sentAt',
    'recipient',
    'delivery',
    'attempts',
    'deliveredAt',
    'error',
  ],
  events: [
    'seq',
    'at',
    'action',
    'actorUserId',
    'actorName',
    'actorRole',
    'subjectType',
    'subjectId',
    'subjectRef',
    'bureauId',
    'changes',
    'data',
    'requestId',
    'prevHash',
    'hash',
  ],
};

/** Where section rows come from: the read cursors, the trail, and the scope of the caller. */
export interface SectionSources {
  scope: Scope;
  filter: ReportFilter;
  incidents: ReportSourceRepository;
  audit: TrailSource;
  /** Last seq of the trail this report covers (see `cutTrail`). */
  trailCut: number;
  /** Reads events 1..trailCut in seq order (from the export page cache where it can). */
  trailEvents(): AsyncGenerator<AuditEvent>;
  now: Date;
  /** Source documents read and rows written so far (export progress). */
  progress: ReportProgress;
}

/** Counters a running report updates and an export publishes: documents read, rows written. */
export interface ReportProgress {
  scanned: number;
  rows: number;
}

/** Counts each item of a source as scanned, for progress. */
export async function* scanned<T>(items: AsyncIterable<T>, progress: ReportProgress): AsyncGenerator<T> {
  for await (const item of items) {
    progress.scanned += 1;
    yield item;
  }
}

async function* flatMap<T>(
  items: AsyncIterable<T>,
  map: (item: T) => ReportRow[],
): AsyncGenerator<ReportRow> {
  for await (const item of items) yield* map(item);
}

/** Runs the compliance pass over the incidents of the report (groups and samples, not documents). */
export async function aggregate(src: SectionSources): Promise<ComplianceAggregator> {
  const aggregator = new ComplianceAggregator(src.filter.interval, src.filter.regime);
  for await (const incident of scanned(src.incidents.incidents(src.scope, src.filter), src.progress)) {
    aggregator.add(incident);
  }
  return aggregator;
}

/** The rows of one section, streamed from a cursor (the compliance tables after one aggregating pass). */
export async function* sectionRows(section: ReportSection, src: SectionSources): AsyncGenerator<ReportRow> {
  const { filter, now } = src;
  const incidents = () => scanned(src.incidents.incidents(src.scope, filter), src.progress);
  switch (section) {
    case 'incidents':
      yield* flatMap(incidents(), (incident) => [registerRow(incident)]);
      return;
    case 'clocks':
      yield* (await aggregate(src)).clockRows();
      return;
    case 'durations':
      yield* (await aggregate(src)).durationRows();
      return;
    case 'breaches':
      yield* flatMap(incidents(), (incident) => breachRows(incident, now, filter.regime));
      return;
    case 'reports':
      yield* flatMap(incidents(), (incident) => notificationRows(incident, now, filter.regime));
      return;
    case 'advisories':
      for await (const advisory of src.incidents.advisories(filter)) {
        yield* advisoryRows(advisory, await src.incidents.deliveriesOf(advisory));
      }
      return;
    case 'events':
      for await (const event of scanned(src.trailEvents(), src.progress)) {
        if (inTrailSelection(event, filter)) yield trailRow(event);
      }
      return;
  }
}
