import type { Connection } from '../platform/db/index.js';
import type { AnyRoute } from '../platform/http/index.js';
import { StagedReportRepository, type AuditKick } from './staged-report.repository.js';
import { stagedReportRoutes } from './staged-report.routes.js';
import { StagedReportService, type StagedReportWorkflow } from './staged-report.service.js';

/** What the staged reports take from other modules. */
export interface StagedReportsDeps {
  /** The incident in the caller's scope, and the obligation service that meets its clocks. */
  workflow: StagedReportWorkflow;
  registerOutbox(collection: string): void;
  /** The audit relay's prompt pass over a document just written. */
  kickAudit: AuditKick;
}

export interface StagedReportServices {
  reports: StagedReportService;
}

export interface StagedReportsModule {
  services: StagedReportServices;
  routes: AnyRoute[];
  init(): Promise<void>;
}

/** Staged reports: the bureau's written reports per clock, submitted, met, reviewed. */
export function createStagedReportsModule(
  platform: { db: Connection },
  deps: StagedReportsDeps,
): StagedReportsModule {
  const repository = new StagedReportRepository(platform.db, deps.kickAudit);
  deps.registerOutbox(repository.collectionName);
  const reports = new StagedReportService(repository, deps.workflow);
  return {
    services: { reports },
    routes: stagedReportRoutes(reports),
    init: () => repository.init(),
  };
}
