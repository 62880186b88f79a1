/**
 * Staged reports, the only public surface of `src/staged-reports`: the written reports a bureau owes
 * on an incident (one per occurrence of its `report.*` clocks), submitted by the bureau (the first
 * version meets the clock through the workflow's obligation service) and reviewed by the CERT.
 */
export { createStagedReportsModule } from './staged-reports.module.js';
export type {
  StagedReportsDeps,
  StagedReportServices,
  StagedReportsModule,
} from './staged-reports.module.js';
export { StagedReportService } from './staged-report.service.js';
export type { ReportedIncident, StagedReportWorkflow } from './staged-report.service.js';
export { kindOf, owedReports, type ClockLike } from './staged-report.status.js';
export { REPORT_TEXT_MAX, FUTURE_SLACK_MS, submissionBody, reviewBody } from './staged-report.schemas.js';
export { STAGED_REPORTS_COLLECTION } from './staged-report.model.js';
export * from './staged-report.types.js';
