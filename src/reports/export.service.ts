import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { UnrecoverableError } from 'bullmq';
import {
  type Actor,
  roleHas,
  type Permission,
  type Role,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../platform/index.js';
import type { QueueRegistry } from '../platform/queue/index.js';
import type { ExportProgress, ExportRecord, ExportRepository } from './export.repository.js';
import { createExportSchema } from './report.schemas.js';
import type { OpenedReport, ReportService } from './report.service.js';
import type { ReportKind, ReportRequest } from './report.types.js';
import type { TrailSource } from './trail-source.js';

/** How often a running export writes its progress to the record. */
const PROGRESS_EVERY_MS = 1000;

/**
 * What a report shows, as the permissions to read it through the API: an export never shows a role
 * more than it may read (an admin, without `incident.read`, exports the audit trail only).
 */
const REPORT_READS: Readonly<Record<ReportKind, readonly Permission[]>> = {
  register: ['incident.read'],
  compliance: ['incident.read'],
  notifications: ['incident.read', 'advisory.read'],
  trail: ['audit.read'],
};

/** Refuses a report whose content the role may not read (the routes ask `report.export` already). */
export function assertMayExport(actor: Actor, request: ReportRequest): void {
  const missing = REPORT_READS[request.kind].filter(
    (permission) => actor.role === 'system' || !roleHas(actor.role, permission),
  );
  if (missing.length > 0) {
    throw new ForbiddenError(`Exporting this report needs the ${missing.join(' and ')} permission.`);
  }
}

function progressOf(report: OpenedReport, done: boolean): ExportProgress {
  const { scanned, rows } = report.progress;
  const ratio = report.total > 0 ? Math.max(scanned, rows) / report.total : 0;
  return { percent: done ? 100 : Math.min(99, Math.floor(ratio * 100)), rows, scanned, total: report.total };
}

/**
 * Long exports: the record is created (with its audit event) and queued by id; the worker streams
 * the report into `<DATA_DIR>/exports/<id>.<format>` via a `.partial` file renamed at the end, so a
 * download never sees half a file and a retried job simply starts again.
 */
export class ExportService {
  constructor(
    private readonly exports: ExportRepository,
    private readonly reports: ReportService,
    private readonly queues: QueueRegistry,
    private readonly audit: TrailSource,
    private readonly dir: string,
  ) {}

  async create(actor: Actor, body: unknown, request: ReportRequest): Promise<ExportRecord> {
    assertMayExport(actor, request);
    const requestedBy = { userId: actor.userId, name: actor.name, role: actor.role };
    // The body as sent, with the format it defaulted to written in: the record says what the file is.
    const sent = { ...(JSON.parse(JSON.stringify(body)) as Record<string, unknown>), format: request.format };
    const record = await this.exports.create({ request: sent, requestedBy }, (id) =>
      this.reports.exportDraft(actor, request, 'export.requested', id),
    );
    await this.queues.add('exports', { exportId: record.id }, { jobId: record.id });
    return record;
  }

  async get(actor: Actor, id: string): Promise<ExportRecord> {
    const record = await this.exports.findOwned(actor.userId, id);
    if (!record) throw new NotFoundError('Export');
    return record;
  }

  /** Streams a finished export as an attachment; each download is an audit event of its own. */
  async download(actor: Actor, id: string, res: Response): Promise<void> {
    const record = await this.get(actor, id);
    if (record.status !== 'done' || !record.filename || !record.contentType) {
      throw new ConflictError(
        `The export is ${record.status}; download it when it is done.`,
        'export_not_ready',
      );
    }
    const request = createExportSchema.parse(record.request);
    assertMayExport(actor, request); // the role may have changed since the export was asked for
    await this.audit.record(this.reports.exportDraft(actor, request, 'export.downloaded', id));
    // attachment() sets a type from the file's extension (octet-stream for .ndjson): ours goes after.
    res.status(200).attachment(record.filename).type(record.contentType).set('Cache-Control', 'no-store');
    if (record.bytes !== null) res.set('Content-Length', String(record.bytes));
    await pipeline(createReadStream(this.fileOf(record)), res);
  }

  private fileOf(record: Pick<ExportRecord, 'id' | 'request'>): string {
    return join(this.dir, `${record.id}.${String(record.request.format)}`);
  }

  /** The worker's job: idempotent (a finished export is left alone), retried from scratch on failure. */
  async run(id: string, lastAttempt: boolean): Promise<void> {
    const record = await this.exports.findById(id);
    if (!record) throw new UnrecoverableError(`export ${id} not found`);
    if (record.status === 'done' || record.status === 'failed') return;
    const request = createExportSchema.parse(record.request);
    const actor: Actor = {
      ...record.requestedBy,
      role: record.requestedBy.role as Role,
      keyId: null,
      bureauId: null,
    };
    const report = await this.reports.open(actor, request);
    if (!(await this.exports.start(id, report.total, report.filename, report.contentType))) return;
    await mkdir(this.dir, { recursive: true });
    const file = this.fileOf(record);
    const partial = `${file}.partial`;
    const timer = setInterval(() => {
      void this.exports.progress(id, progressOf(report, false)).catch(() => undefined);
    }, PROGRESS_EVERY_MS);
    try {
      await report.writeTo(createWriteStream(partial));
      await rename(partial, file);
      const { size } = await stat(file);
      const done = { status: 'done' as const, progress: progressOf(report, true), bytes: size, error: null };
      await this.exports.finish(id, done, this.reports.exportDraft(actor, request, 'export.completed', id));
    } catch (err) {
      await rm(partial, { force: true });
      if (lastAttempt) {
        const failed = {
          status: 'failed' as const,
          progress: progressOf(report, false),
          bytes: null,
          error: (err as Error).message,
        };
        await this.exports.finish(id, failed, this.reports.exportDraft(actor, request, 'export.failed', id));
      }
      throw err;
    } finally {
      clearInterval(timer);
    }
  }
}
