import { join } from 'node:path';
import type { Config } from '../config/index.js';
import type { Connection } from '../platform/db/index.js';
import type { AnyRoute } from '../platform/http/index.js';
import type { QueueRegistry, WorkerSpec } from '../platform/queue/index.js';
import { ExportRepository, EXPORTS_COLLECTION } from './export.repository.js';
import { ExportService } from './export.service.js';
import { exportWorker } from './export.worker.js';
import { ReportHtmlRenderer } from './html-report.renderer.js';
import { reportRoutes } from './report.routes.js';
import { ReportService } from './report.service.js';
import { ReportSourceRepository } from './report-source.repository.js';
import type { Logger, RequestPressure } from '../platform/index.js';
import { TrailPageKeeper } from './trail-page-keeper.js';
import { TrailPageRepository } from './trail-pages.repository.js';
import type { TrailSource } from './trail-source.js';

/** Compliance reports and exports for auditors (issue 7). The only public surface of `src/reports`. */
export { ReportService, type OpenedReport } from './report.service.js';
export { ExportService } from './export.service.js';
export { neutraliseCell, csvCell, isTextCell } from './csv-safety.js';
export type { ExportRecord, ExportProgress } from './export.repository.js';
export type { TrailSource } from './trail-source.js';
export { TRAIL_PAGES_COLLECTION, TRAIL_PAGE_SIZE } from './trail-pages.repository.js';
export * from './report.types.js';

/** What reports take from the platform. */
export interface ReportsPlatform {
  config: Config;
  db: Connection;
  queues: QueueRegistry;
  logger: Logger;
  /** The API's requests in this process: the page keeper waits while they are high. */
  pressure?: RequestPressure | null;
}

/** What reports take from other modules: the audit service, and the outbox registration. */
export interface ReportsDeps {
  audit: TrailSource;
  registerOutbox(collectionName: string): void;
}

export interface ReportsModule {
  routes: AnyRoute[];
  workers: WorkerSpec[];
  background: TrailPageKeeper[];
  services: { reports: ReportService; exports: ExportService; pageKeeper: TrailPageKeeper };
  init(): Promise<void>;
}

export function createReportsModule(platform: ReportsPlatform, deps: ReportsDeps): ReportsModule {
  const exportRecords = new ExportRepository(platform.db);
  // Templates are compiled here, at start: a broken report template stops the process, not an export.
  const renderer = new ReportHtmlRenderer(join(platform.config.TEMPLATE_DIR, 'reports'));
  // Trail exports read the chain from a page cache where they can (FerretDB decodes events one by one).
  const pages = new TrailPageRepository(platform.db);
  const reports = new ReportService(new ReportSourceRepository(platform.db), deps.audit, renderer, pages);
  const exports = new ExportService(
    exportRecords,
    reports,
    platform.queues,
    deps.audit,
    join(platform.config.DATA_DIR, 'exports'),
  );
  const pageKeeper = new TrailPageKeeper(deps.audit, pages, platform.logger, {
    pressure: platform.pressure ?? null,
  });
  deps.registerOutbox(EXPORTS_COLLECTION);
  return {
    routes: reportRoutes(reports, exports),
    workers: [exportWorker(exports)],
    background: [pageKeeper],
    services: { reports, exports, pageKeeper },
    init: () => exportRecords.init(),
  };
}
