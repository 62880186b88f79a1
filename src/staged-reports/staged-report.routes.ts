import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import {
  incidentParams,
  owedReportsSchema,
  reportParams,
  reviewBody,
  stagedReportSchema,
  submissionBody,
} from './staged-report.schemas.js';
import type { StagedReportService } from './staged-report.service.js';

/**
 * The staged reports of an incident: the bureau lists and submits its own (another bureau's incident
 * is a 404), the CERT reads and reviews them, auditors read. Declarations only; the service decides.
 */
export function stagedReportRoutes(service: StagedReportService): AnyRoute[] {
  const tags = ['staged-reports'];
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/incidents/:id/staged-reports',
      permission: 'incident.read',
      summary: 'The reports the bureau owes on the incident (one per occurrence of its clocks), with status',
      tags,
      params: incidentParams,
      response: owedReportsSchema,
      handler: async ({ actor, params }) => ({ items: (await service.list(actor, params.id)).items }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/staged-reports',
      permission: 'obligation.record',
      summary: 'Submit a staged report (reporters, own bureau): the first version meets its clock',
      tags,
      params: incidentParams,
      body: submissionBody,
      status: 201,
      response: stagedReportSchema,
      errors: {
        403: 'Only reporters submit staged reports.',
        409: 'Nothing is to be sent for this report now (`not_open`), the same version was just sent (`already_submitted`), or the incident kept changing (`busy`).',
      },
      handler: ({ actor, params, body }) => service.submit(actor, params.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/incidents/:id/staged-reports/:reportId',
      permission: 'incident.read',
      summary: 'One version of a staged report',
      tags,
      params: reportParams,
      response: stagedReportSchema,
      handler: ({ actor, params }) => service.get(actor, params.id, params.reportId),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/incidents/:id/staged-reports/:reportId/review',
      permission: 'incident.work',
      summary: 'Review a staged report: under review, accepted, or revision requested with a comment',
      tags,
      params: reportParams,
      body: reviewBody,
      response: stagedReportSchema,
      errors: { 409: 'Someone else reviewed this version first (`already_reviewed`).' },
      handler: ({ actor, params, body }) => service.review(actor, params.id, params.reportId, body),
    }),
  ];
}
