import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import { assertMayExport, type ExportService } from './export.service.js';
import type { ExportRecord } from './export.repository.js';
import {
  createExportSchema,
  exportParams,
  reportParams,
  reportQuery,
  reportRequestFrom,
} from './report.schemas.js';
import { REPORT_MEDIA_TYPES, type ReportService } from './report.service.js';

/** An export as the API shows it, with where to poll and where to download. */
function exportView(record: ExportRecord) {
  const { id, status, progress, filename, bytes, error, createdAt, startedAt, finishedAt, requestedBy } =
    record;
  const links = {
    self: `/api/v1/exports/${id}`,
    ...(status === 'done' ? { download: `/api/v1/exports/${id}/download` } : {}),
  };
  return {
    id,
    status,
    progress,
    filename,
    bytes,
    error,
    request: record.request,
    requestedBy,
    createdAt,
    startedAt,
    finishedAt,
    links,
  };
}

/**
 * Compliance reports and exports (`report.export`), each limited to what the role may read: reports
 * on incidents also need `incident.read` (auditors), the audit trail `audit.read` (auditors, admins).
 */
export function reportRoutes(reports: ReportService, exports: ExportService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/reports/:kind',
      permission: 'report.export',
      summary: 'Stream a report (register, compliance, notifications, trail) as CSV, NDJSON or HTML',
      tags: ['reports'],
      params: reportParams,
      query: reportQuery,
      produces: REPORT_MEDIA_TYPES,
      errors: { 403: 'Reports on incidents also need `incident.read`, the trail `audit.read`.' },
      handler: async ({ params, query, actor, res }) => {
        const request = reportRequestFrom(params.kind, query);
        assertMayExport(actor, request);
        await reports.recordDirectExport(actor, request);
        const report = await reports.open(actor, request);
        // attachment() sets a type from the file's extension (octet-stream for .ndjson): ours goes after.
        res.status(200).attachment(report.filename).type(report.contentType).set('Cache-Control', 'no-store');
        await report.writeTo(res);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/exports',
      permission: 'report.export',
      summary: 'Queue a long export; poll it, then download the file',
      tags: ['reports'],
      body: createExportSchema,
      status: 202,
      errors: { 403: 'Reports on incidents also need `incident.read`, the trail `audit.read`.' },
      handler: async ({ body, actor, req }) => exportView(await exports.create(actor, req.body, body)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/exports/:id',
      permission: 'report.export',
      summary: 'An export and its progress (percent, rows)',
      tags: ['reports'],
      params: exportParams,
      handler: async ({ params, actor }) => exportView(await exports.get(actor, params.id)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/exports/:id/download',
      permission: 'report.export',
      summary: 'Download a finished export as an attachment',
      tags: ['reports'],
      params: exportParams,
      produces: REPORT_MEDIA_TYPES,
      errors: { 409: 'The export is not done yet (`export_not_ready`): poll GET /api/v1/exports/{id}.' },
      handler: async ({ params, actor, res }) => {
        await exports.download(actor, params.id, res);
        return undefined;
      },
    }),
  ];
}
