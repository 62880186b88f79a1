import { z } from 'zod';
import { ValidationError, type FieldProblem } from '../platform/index.js';
import {
  REPORT_FORMATS,
  REPORT_INTERVALS,
  REPORT_KINDS,
  REPORT_SECTIONS,
  type ReportFilter,
  type ReportFormat,
  type ReportKind,
  type ReportRequest,
  type ReportSection,
} from './report.types.js';

const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 time with an offset (Z or +08:00)' })
  .transform((value) => new Date(value));

/** The filters of a report, as query parameters or inside an export request. */
export const reportFilterSchema = z
  .strictObject({
    from: instant
      .optional()
      .describe('Start of the period, inclusive: incidents by report time, audit events by their time.'),
    to: instant.optional().describe('End of the period, exclusive (ISO 8601 with an offset).'),
    bureauId: z
      .string()
      .regex(/^[A-Z][A-Z0-9]{1,15}$/, 'must be a bureau code')
      .optional()
      .describe('Only this bureau, e.g. `DH`.'),
    severity: z.enum(['S1', 'S2', 'S3', 'S4']).optional().describe('Only incidents of this severity.'),
    regime: z
      .string()
      .regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'must be a regime code')
      .optional()
      .describe(
        'Only incidents under this regime (e.g. `HK-CI`); clock and notification rows of others are left out.',
      ),
    status: z
      .string()
      .regex(/^[a-z_]{1,30}$/, 'must be a status')
      .optional()
      .describe('Only incidents in this lifecycle state, e.g. `closed`.'),
    category: z
      .string()
      .regex(/^[a-z0-9_-]{1,60}$/, 'must be a category')
      .optional()
      .describe('Only incidents of this category, e.g. `ransomware`.'),
    incidentId: z
      .string()
      .regex(/^[a-f0-9]{24}$/, 'must be an incident id')
      .optional()
      .describe('One incident (for the trail: the events about it).'),
    interval: z
      .enum(REPORT_INTERVALS)
      .default('month')
      .describe('How compliance figures are grouped in time (by report time, Hong Kong time).'),
  })
  .describe('Which incidents or events the report covers; every filter is optional and they are ANDed.');

const requestFields = {
  format: z
    .enum(REPORT_FORMATS)
    .default('csv')
    .describe(
      'File format: `csv` (one section, spreadsheet-ready; the default), `ndjson` (one section, one JSON ' +
        'object per line, served as application/x-ndjson) or `html` (every section, with charts).',
    ),
  section: z
    .string()
    .optional()
    .describe(
      'The section of a CSV/NDJSON file: register `incidents`; compliance `clocks`, `durations`, ' +
        '`breaches`; notifications `reports`, `advisories`; trail `events`. Default: the first of the ' +
        'kind. HTML shows every section.',
    ),
};

/** What is wrong with a request beyond field syntax: a section of another kind, an empty period. */
export function requestProblems(request: {
  kind: ReportKind;
  section?: string;
  filter: ReportFilter;
}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const sections: readonly string[] = REPORT_SECTIONS[request.kind];
  if (request.section !== undefined && !sections.includes(request.section)) {
    problems.push({ path: 'section', message: `must be one of ${sections.join(', ')} for ${request.kind}` });
  }
  const { from, to } = request.filter;
  if (from && to && from >= to) problems.push({ path: 'to', message: 'must be after from' });
  return problems;
}

function toRequest(
  kind: ReportKind,
  format: ReportFormat,
  section: string | undefined,
  filter: ReportFilter,
): ReportRequest {
  return { kind, format, section: (section ?? REPORT_SECTIONS[kind][0]) as ReportSection, filter };
}

/** `GET /api/v1/reports/:kind` path. */
export const reportParams = z.strictObject({
  kind: z
    .enum(REPORT_KINDS)
    .describe(
      '`register` (the incidents), `compliance` (deadlines met and breached, time to acknowledge, contain, ' +
        'resolve), `notifications` (reports owed and advisories sent, on time or not) or `trail` (the audit trail).',
    ),
});

/** `GET /api/v1/reports/:kind` query: the format, a section for CSV/NDJSON, and the filters. */
export const reportQuery = reportFilterSchema.extend(requestFields);

/** The request of the synchronous route (the kind comes from the path); 422 when inconsistent. */
export function reportRequestFrom(kind: ReportKind, query: z.output<typeof reportQuery>): ReportRequest {
  const { format, section, ...filter } = query;
  const problems = requestProblems({ kind, section, filter });
  if (problems.length > 0)
    throw new ValidationError(problems.map((p) => ({ ...p, path: `query.${p.path}` })));
  return toRequest(kind, format, section, filter);
}

/** `POST /api/v1/exports` body. */
export const createExportSchema = z
  .strictObject({
    kind: reportParams.shape.kind,
    ...requestFields,
    filter: reportFilterSchema.default({ interval: 'month' }),
  })
  .superRefine((body, ctx) => {
    for (const problem of requestProblems(body)) {
      const path = problem.path === 'section' ? ['section'] : ['filter', problem.path];
      ctx.addIssue({ code: 'custom', path, message: problem.message });
    }
  })
  .transform((body) => toRequest(body.kind, body.format, body.section, body.filter));

export const exportParams = z.strictObject({
  id: z
    .string()
    .regex(/^[a-f0-9]{24}$/, 'must be an export id')
    .describe('Export id, from POST /api/v1/exports.'),
});
