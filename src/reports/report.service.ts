import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { scopeOf, type Actor } from '../platform/index.js';
import { auditDraft, type AuditDraft } from '../audit/index.js';
import { htmlReport } from './html-report.js';
import type { ReportHtmlRenderer } from './html-report.renderer.js';
import {
  scanned,
  SECTION_COLUMNS,
  sectionRows,
  type ReportProgress,
  type SectionSources,
} from './report-sections.js';
import type { ReportSourceRepository } from './report-source.repository.js';
import { csvEncoder, ndjsonEncoder } from './row-encoders.js';
import type { ReportRequest } from './report.types.js';
import type { TrailPageRepository } from './trail-pages.repository.js';
import { TrailReader } from './trail-reader.js';
import { cutTrail, trailLines, type TrailSource } from './trail-source.js';

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  html: 'text/html; charset=utf-8',
};
/** The media types reports are served as (for the OpenAPI document). */
export const REPORT_MEDIA_TYPES = Object.values(CONTENT_TYPES).map((type) => type.split(';')[0] ?? type);

const TITLES = {
  register: 'Incident register',
  compliance: 'Clock and deadline compliance',
  notifications: 'Notification timeliness and advisories',
  trail: 'Audit trail',
};

/** A report ready to stream: what to call the file, and how to write it. */
export interface OpenedReport {
  filename: string;
  contentType: string;
  /** Source documents the report will read (for a percentage); an estimate, never exact. */
  total: number;
  progress: ReportProgress;
  /** Streams the report into `destination` with backpressure; rejects (and destroys it) on error. */
  writeTo(destination: Writable): Promise<void>;
}

/** `govcert-compliance-breaches-20260301T000000Z.csv`: ASCII only, safe in any Content-Disposition. */
export function reportFilename(request: ReportRequest, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const single = request.format === 'html' || request.kind === 'register' || request.kind === 'trail';
  const name = request.kind === 'trail' ? 'audit-trail' : request.kind;
  return `govcert-${name}${single ? '' : `-${request.section}`}-${stamp}.${request.format}`;
}

/** The filters of a request as the audit event and the HTML header record them. */
export function describeFilter(request: ReportRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.filter)) {
    if (value !== undefined) out[key] = value instanceof Date ? value.toISOString() : String(value);
  }
  return out;
}

async function* counted<T>(rows: AsyncIterable<T>, progress: ReportProgress): AsyncGenerator<T> {
  for await (const row of rows) {
    progress.rows += 1;
    yield row;
  }
}

/**
 * Builds every report from read cursors and streams it: rows are produced as the destination asks
 * for them (`Readable.from` pulls one at a time through `pipeline`), so memory stays flat whatever the
 * size. Used by the synchronous report route and by the export worker alike.
 */
export class ReportService {
  constructor(
    private readonly sources: ReportSourceRepository,
    private readonly audit: TrailSource,
    private readonly renderer: ReportHtmlRenderer,
    pages: TrailPageRepository | null = null,
  ) {
    this.trail = new TrailReader(audit, pages);
  }

  private readonly trail: TrailReader;

  /** The audit event of an export: who asked for which report with which filters. */
  exportDraft(actor: Actor, request: ReportRequest, action: string, exportId?: string): AuditDraft {
    const subject = { type: 'export' as const, id: exportId ?? `${request.kind}-${request.format}` };
    const data = {
      kind: request.kind,
      format: request.format,
      section: request.section,
      filter: describeFilter(request),
    };
    return auditDraft(actor, action, subject, { bureauId: request.filter.bureauId ?? null, data });
  }

  /** Records a direct (synchronous) export in the trail before any byte of it is sent. */
  async recordDirectExport(actor: Actor, request: ReportRequest): Promise<void> {
    await this.audit.record(this.exportDraft(actor, request, 'report.exported'));
  }

  async open(actor: Actor, request: ReportRequest, now = new Date()): Promise<OpenedReport> {
    const scope = scopeOf(actor);
    const { kind, format, filter } = request;
    const cut = kind === 'trail' ? await cutTrail(this.audit) : { seq: 0, checkpoints: [] };
    const progress: ReportProgress = { scanned: 0, rows: 0 };
    const src: SectionSources = {
      scope,
      filter,
      incidents: this.sources,
      audit: this.audit,
      trailCut: cut.seq,
      trailEvents: () => this.trail.events(cut),
      now,
      progress,
    };
    const passes = format === 'html' && kind === 'compliance' ? 2 : 1;
    const total = kind === 'trail' ? cut.seq : passes * (await this.sources.countIncidents(scope, filter));
    const source = (): Readable => {
      if (format === 'html') {
        const filters = Object.entries(describeFilter(request)).map(([name, value]) => ({ name, value }));
        const ctx = {
          ...src,
          renderer: this.renderer,
          title: TITLES[kind],
          generatedBy: `${actor.name} (${actor.role})`,
          filters,
          checkpoints: cut.checkpoints,
        };
        return Readable.from(htmlReport(kind, ctx));
      }
      const rows =
        kind === 'trail' && format === 'ndjson'
          ? counted(trailLines(this.audit, cut, scanned(this.trail.events(cut), progress)), progress)
          : counted(sectionRows(request.section, src), progress);
      return Readable.from(rows);
    };
    return {
      filename: reportFilename(request, now),
      contentType: CONTENT_TYPES[format],
      total,
      progress,
      writeTo: async (destination) => {
        if (format === 'html') return pipeline(source(), destination);
        const encoder = format === 'csv' ? csvEncoder(SECTION_COLUMNS[request.section]) : ndjsonEncoder();
        return pipeline(source(), encoder, destination);
      },
    };
  }
}
