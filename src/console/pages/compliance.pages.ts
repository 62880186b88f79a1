import { Writable } from 'node:stream';
import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import { roleHas } from '../../auth/index.js';
import { ForbiddenError } from '../../platform/index.js';
import type {
  ExportRecord,
  ExportService,
  ReportFilter,
  ReportFormat,
  ReportRequest,
  ReportService,
} from '../../reports/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage, type PageProblem } from '../page.js';
import { formState } from '../render.js';

export interface CompliancePageDeps {
  reports: Pick<ReportService, 'open'>;
  exports: Pick<ExportService, 'create' | 'get' | 'download'>;
  translator: Translator;
}

/** Rows a dashboard table shows; the export holds the rest. */
const MAX_ROWS = 300;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BUREAU = /^[A-Z][A-Z0-9]{1,15}$/;
const REGIME = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
const SEVERITIES = ['S1', 'S2', 'S3', 'S4'] as const;
const INTERVALS = ['month', 'quarter', 'year', 'all'] as const;
const FILTER_FIELDS = ['from', 'to', 'bureau', 'severity', 'regime', 'interval'] as const;

const box = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((value) => value?.trim() || undefined);

const filterFields = {
  from: box(20),
  to: box(20),
  bureau: box(20),
  severity: z.enum(SEVERITIES).or(z.literal('')).optional(),
  regime: box(40),
  interval: z.enum(INTERVALS).default('month'),
};
const dashboardQuery = z.object(filterFields);
const exportForm = z.object({
  ...filterFields,
  kind: z.enum(['compliance', 'trail']),
  format: z.enum(['csv', 'ndjson', 'html']),
});
type Filters = z.output<typeof dashboardQuery>;
const exportParams = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });

/** The filters as reports take them (dates are Hong Kong midnights) and as an export body carries them. */
function reportFilter(filters: Filters): {
  filter: ReportFilter;
  body: Record<string, string>;
  problems: PageProblem[];
} {
  const problems: PageProblem[] = [];
  const body: Record<string, string> = { interval: filters.interval };
  const filter: ReportFilter = { interval: filters.interval };
  for (const field of ['from', 'to'] as const) {
    const value = filters[field];
    if (value === undefined) continue;
    const at = DATE.test(value) ? new Date(`${value}T00:00:00+08:00`) : null;
    if (!at || Number.isNaN(at.getTime())) problems.push({ field, message: 'compliance.invalidDate' });
    else {
      filter[field] = at;
      body[field] = at.toISOString();
    }
  }
  if (filter.from && filter.to && filter.from >= filter.to)
    problems.push({ field: 'to', message: 'compliance.toBeforeFrom' });
  if (filters.bureau !== undefined) {
    if (BUREAU.test(filters.bureau)) filter.bureauId = body.bureauId = filters.bureau;
    else problems.push({ field: 'bureau', message: 'compliance.invalidBureau' });
  }
  if (filters.regime !== undefined) {
    if (REGIME.test(filters.regime)) filter.regime = body.regime = filters.regime;
    else problems.push({ field: 'regime', message: 'compliance.invalidRegime' });
  }
  if (filters.severity) filter.severity = body.severity = filters.severity;
  return { filter, body, problems };
}

/** The filters of a refused export form, shown again as far as they are valid themselves. */
function shownFilters(values: Record<string, string>): Filters {
  const parsed = dashboardQuery.safeParse(values);
  return parsed.success ? parsed.data : dashboardQuery.parse({});
}

/** Reads one section of a report as rows, through the report service (the HTML report's figures). */
async function sectionRows(
  deps: CompliancePageDeps,
  actor: Parameters<ReportService['open']>[0],
  section: 'clocks' | 'durations',
  filter: ReportFilter,
): Promise<Array<Record<string, unknown>>> {
  const request: ReportRequest = { kind: 'compliance', format: 'ndjson', section, filter };
  const report = await deps.reports.open(actor, request);
  let text = '';
  await report.writeTo(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    }),
  );
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Seconds as hours and minutes ("3 h 05 min"): the same in both languages. */
function duration(seconds: unknown): string {
  if (typeof seconds !== 'number') return '–';
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A report cell as text; `*` (the report's "every bureau" or "every period" row) is left blank. */
const cell = (value: unknown): string =>
  (typeof value === 'string' && value !== '*') || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';

/** Colours of the chart's series (the HTML report's: green met, red breached, grey running). */
const SERIES = [
  { key: 'met', label: 'compliance.met', colour: '#1d6b37' },
  { key: 'breached', label: 'compliance.breached', colour: '#b3261e' },
  { key: 'open', label: 'compliance.open', colour: '#767676' },
] as const;

/** A horizontal stacked bar chart (met, breached, running per regime) as server-rendered SVG: no script. */
function regimeChart(rows: Array<Record<string, unknown>>) {
  const totals = new Map<string, Record<(typeof SERIES)[number]['key'], number>>();
  for (const row of rows) {
    const regime = String(row.regime);
    const total = totals.get(regime) ?? { met: 0, breached: 0, open: 0 };
    for (const series of SERIES) total[series.key] += Number(row[series.key]) || 0;
    totals.set(regime, total);
  }
  const sum = (t: Record<string, number>) => t.met + t.breached + t.open;
  const max = Math.max(1, ...[...totals.values()].map(sum));
  const width = (n: number) => Math.round((n / max) * 400);
  const bars = [...totals.entries()].map(([regime, t], index) => {
    let x = 120;
    const parts = SERIES.map((series) => {
      const part = {
        x,
        width: width(t[series.key]),
        colour: series.colour,
        label: series.label,
        value: t[series.key],
      };
      x += part.width;
      return part;
    });
    return {
      regime,
      y: index * 30,
      textY: index * 30 + 15,
      parts,
      labelX: x + 10,
      text: `${t.met} / ${t.breached} / ${t.open}`,
    };
  });
  return { bars, height: Math.max(30, bars.length * 30), series: SERIES };
}

/** An export as its page and its status route show it. */
function exportState(record: ExportRecord) {
  return {
    id: record.id,
    status: record.status,
    statusKey: `compliance.status.${record.status}`,
    percent: record.progress.percent,
    rows: record.progress.rows,
    done: record.status === 'done',
    failed: record.status === 'failed',
    error: record.error,
    filename: record.filename,
    download: record.status === 'done' ? `/console/exports/${record.id}/download` : null,
  };
}

/**
 * The auditor's compliance pages: the compliance report's figures as tables and an SVG chart for the
 * chosen filters, exports started from the page through the reports module's export service, an
 * export's progress (a small script polls its status; without script the page has a refresh link), and
 * the download once it is done (audited by the service).
 */
export function compliancePages(deps: CompliancePageDeps): AnyPage[] {
  const { translator } = deps;
  const dashboard = async (
    actor: Parameters<ReportService['open']>[0],
    lang: Language,
    filters: Filters,
    extra: PageProblem[] = [],
  ) => {
    // The figures are about incidents: a role that exports the trail only (admins) may not see them.
    if (actor.role === 'system' || !roleHas(actor.role, 'incident.read')) throw new ForbiddenError();
    const { filter, problems } = reportFilter(filters);
    const all = [...problems, ...extra];
    const ok = problems.length === 0;
    const clocks = ok ? await sectionRows(deps, actor, 'clocks', filter) : [];
    const durations = ok ? await sectionRows(deps, actor, 'durations', filter) : [];
    const values = Object.fromEntries(FILTER_FIELDS.map((field) => [field, filters[field] ?? '']));
    return {
      view: 'audit/compliance',
      title: 'compliance.title',
      status: problems.length > 0 ? 400 : 200,
      data: {
        form: formState(translator, lang, [...FILTER_FIELDS, 'kind', 'format'], all, values),
        severities: SEVERITIES.map((code) => ({ code, selected: filters.severity === code })),
        intervals: INTERVALS.map((code) => ({
          code,
          label: `compliance.intervals.${code}`,
          selected: filters.interval === code,
        })),
        clocks: clocks.slice(0, MAX_ROWS).map((row) => ({
          regime: cell(row.regime),
          clock: cell(row.clockName),
          bureau: cell(row.bureauId),
          severity: cell(row.severity),
          period: cell(row.period),
          met: cell(row.met),
          breached: cell(row.breached),
          open: cell(row.open),
          notApplicable: cell(row.notApplicable),
        })),
        durations: durations.slice(0, MAX_ROWS).map((row) => ({
          measure: `compliance.measures.${String(row.measure)}`,
          bureau: cell(row.bureauId),
          severity: cell(row.severity),
          period: cell(row.period),
          count: cell(row.count),
          median: duration(row.medianSeconds),
          p90: duration(row.p90Seconds),
        })),
        truncated: clocks.length > MAX_ROWS || durations.length > MAX_ROWS ? MAX_ROWS : null,
        chart: regimeChart(clocks),
      },
    };
  };
  return [
    definePage({
      method: 'get',
      path: '/console/compliance',
      permission: 'report.export',
      query: dashboardQuery,
      handler: ({ actor, lang, query }) => dashboard(actor, lang, query),
    }),
    definePage({
      method: 'post',
      path: '/console/compliance/exports',
      permission: 'report.export',
      form: exportForm,
      handler: async ({ actor, lang, form }) => {
        const { filter, body, problems } = reportFilter(form);
        if (problems.length > 0) return { ...(await dashboard(actor, lang, form)), status: 422 };
        const format: ReportFormat = form.format;
        const section = form.kind === 'trail' ? 'events' : 'clocks';
        const request: ReportRequest = { kind: form.kind, format, section, filter };
        const sent = { kind: form.kind, format, section, filter: body };
        const record = await deps.exports.create(actor, sent, request);
        return { redirect: `/console/exports/${record.id}` };
      },
      invalid: ({ actor, lang }, problems, values) => dashboard(actor, lang, shownFilters(values), problems),
    }),
    definePage({
      method: 'get',
      path: '/console/exports/:id',
      permission: 'report.export',
      params: exportParams,
      handler: async ({ actor, params }) => ({
        view: 'audit/export',
        title: 'compliance.exportTitle',
        data: { export: exportState(await deps.exports.get(actor, params.id)) },
      }),
    }),
    definePage({
      method: 'get',
      path: '/console/exports/:id/status',
      permission: 'report.export',
      params: exportParams,
      handler: async ({ actor, params, res, lang }) => {
        const state = exportState(await deps.exports.get(actor, params.id));
        res.json({
          ...state,
          statusText: translator.t(lang, `compliance.status.${state.status}`),
          progressText: translator.t(lang, 'compliance.progressText', state),
          downloadText: state.filename ? translator.t(lang, 'compliance.download', state) : null,
        });
        return { sent: true };
      },
    }),
    definePage({
      method: 'get',
      path: '/console/exports/:id/download',
      permission: 'report.export',
      params: exportParams,
      handler: async ({ actor, params, res }) => {
        await deps.exports.download(actor, params.id, res);
        return { sent: true };
      },
    }),
  ];
}
