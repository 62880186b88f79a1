import { createPublicKey } from 'node:crypto';
import { ChainVerifier, type AuditCheckpoint } from '../audit/index.js';
import { barChart, OUTCOME_SERIES } from './bar-chart.js';
import type { ReportHtmlRenderer } from './html-report.renderer.js';
import { aggregate, scanned, SECTION_COLUMNS, sectionRows, type SectionSources } from './report-sections.js';
import type { ReportKind, ReportRow, ReportSection } from './report.types.js';
import { coveringCheckpoints, inTrailSelection, trailRow } from './trail-source.js';

/** What an HTML report needs beyond the section sources. */
export interface HtmlContext extends SectionSources {
  renderer: ReportHtmlRenderer;
  title: string;
  generatedBy: string;
  filters: Array<{ name: string; value: string }>;
  checkpoints: AuditCheckpoint[];
}

/** Rows are joined into chunks of about this size: one stream write per row would dominate the cost. */
const CHUNK = 64 * 1024;

async function* table(
  ctx: HtmlContext,
  section: ReportSection,
  heading: string,
  note: string,
  rows: AsyncIterable<ReportRow> | Iterable<ReportRow>,
): AsyncGenerator<string> {
  const columns = SECTION_COLUMNS[section];
  yield ctx.renderer.render('section-start', { heading, note, columns });
  let count = 0;
  let chunk = '';
  for await (const row of rows) {
    chunk += ctx.renderer.row(row, columns);
    count += 1;
    ctx.progress.rows += 1;
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk + ctx.renderer.render('section-end', { rows: count });
}

async function* complianceBody(ctx: HtmlContext): AsyncGenerator<string> {
  const figures = await aggregate(ctx);
  const chart = (title: string, dimension: 'bureauId' | 'severity') =>
    barChart(
      title,
      OUTCOME_SERIES,
      figures.totalsBy(dimension).map(({ label, ...values }) => ({ label, values })),
    );
  const durations = figures.durationRows();
  yield ctx.renderer.render('compliance-figures', {
    incidents: figures.incidents,
    charts: [chart('Clocks by bureau', 'bureauId'), chart('Clocks by severity', 'severity')],
    overall: durations.filter((row) => row.bureauId === '*'),
  });
  yield* table(ctx, 'clocks', 'Clocks by regime, bureau, severity and period', '', figures.clockRows());
  yield* table(
    ctx,
    'durations',
    'Response times (seconds)',
    'Rows marked * cover every bureau, severity and period.',
    durations,
  );
  yield* table(ctx, 'breaches', 'Breaches and their escalations', '', sectionRows('breaches', ctx));
}

/** The trail: the selected events, then the verification of the whole signed prefix they sit in. */
async function* trailBody(ctx: HtmlContext): AsyncGenerator<string> {
  const verifier = new ChainVerifier({ publicKey: createPublicKey(ctx.audit.publicKeyPem()) });
  verifier.addCheckpoints(ctx.checkpoints);
  let first = 0;
  let last = 0;
  let selected = 0;
  async function* selection(): AsyncGenerator<ReportRow> {
    for await (const event of scanned(ctx.trailEvents(), ctx.progress)) {
      verifier.push(event);
      if (!inTrailSelection(event, ctx.filter)) continue;
      first ||= event.seq;
      last = event.seq;
      selected += 1;
      yield trailRow(event);
    }
  }
  yield* table(ctx, 'events', 'Audit events', 'Oldest first, as chained.', selection());
  yield ctx.renderer.render('trail-proof', {
    verification: verifier.finish(),
    selected,
    firstSeq: first,
    lastSeq: last,
    checkpoints: coveringCheckpoints(ctx.checkpoints, first, last),
    publicKey: ctx.audit.publicKeyPem(),
  });
}

/** A whole HTML report, produced piece by piece so it streams like the CSV. */
export async function* htmlReport(kind: ReportKind, ctx: HtmlContext): AsyncGenerator<string> {
  yield ctx.renderer.render('document-start', {
    title: ctx.title,
    generatedAt: ctx.now.toISOString(),
    generatedBy: ctx.generatedBy,
    filters: ctx.filters,
  });
  switch (kind) {
    case 'register':
      yield* table(ctx, 'incidents', 'Incident register', 'In filing order.', sectionRows('incidents', ctx));
      break;
    case 'compliance':
      yield* complianceBody(ctx);
      break;
    case 'notifications':
      yield* table(
        ctx,
        'reports',
        'Reports to regulators and authorities',
        'Due time from the clock; recorded time from the obligation record.',
        sectionRows('reports', ctx),
      );
      yield* table(
        ctx,
        'advisories',
        'Advisories sent and their delivery',
        '',
        sectionRows('advisories', ctx),
      );
      break;
    case 'trail':
      yield* trailBody(ctx);
      break;
  }
  yield ctx.renderer.render('document-end', { note: '' });
}
