/** Intake: reports, follow-ups, indicator matching. The only public surface of `src/incidents`. */
export { INCIDENTS_COLLECTION } from './incident.model.js';
export type { IncidentFilter, IncidentChange, IncidentWrite } from './incident.repository.js';
export {
  incidentDocumentsOn,
  type IncidentDocuments,
  type IncidentDocumentChange,
  type QueuedQuery,
} from './incident-documents.repository.js';
export { incidentPages } from './incident-pages.js';
export {
  IncidentListIndex,
  listedOf,
  type ListedIncident,
  type ListedFilter,
} from './incident-list.index.js';
export { IncidentListReconciler } from './incident-list.reconciler.js';
export {
  IndicatorMatchService,
  type IncidentMatches,
  type IndicatorMatches,
  type OtherIncident,
} from './indicator-match.service.js';
export { IncidentIntakeService, type BureauDirectory } from './incident-intake.service.js';
export { IncidentService, type IncidentPage } from './incident.service.js';
export {
  CampaignService,
  mergeCampaign,
  type CampaignMatch,
  type CampaignAssessment,
} from './campaign.service.js';
export { TriageRequester, triageJobId, type TriageReason } from './triage-request.js';
export { incidentRoutes, type IncidentRouteDeps } from './incident.routes.js';
export { toTriageInput } from './incident-triage-input.js';
export {
  PolicyReviewService,
  NEW_PACK_FILE,
  MAX_SIMULATED,
  type PolicySummary,
  type PackSummary,
  type CandidateSpec,
  type PolicySimulation,
} from './policy-review.service.js';
export {
  toIncidentView,
  isCertRole,
  type IncidentView,
  type NotificationSpecKeys,
  type NotificationStatusLookup,
  type ClockLookup,
  type IncidentTriageView,
} from './incident.view.js';
export {
  createIncidentSchema,
  incidentUpdateSchema,
  incidentListQuery,
  MAX_PAGE_SIZE,
} from './incident.schemas.js';
export { MAX_INDICATORS, CLOCK_SKEW_MS } from './incident-report.schema.js';
export {
  INCIDENT_LIMITS,
  MAX_INCIDENT_BYTES,
  checkListLimit,
  checkDocumentBudget,
  type LimitedList,
} from './incident-limits.js';
export {
  reportTimeProblems,
  noticeTimeProblems,
  earliestReportTime,
  type ReportTimeBounds,
  type ReportTimes,
} from './report-times.js';
export {
  normaliseIndicator,
  indicatorKey,
  type Indicator,
  type IndicatorType,
} from './indicator.normaliser.js';
export { formatRef, hongKongYear } from './incident-sequence.repository.js';
export * from './incident.types.js';
