import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import type { AdvisoryExportService } from './advisory-export.service.js';
import type { AdvisorySendService } from './advisory-send.service.js';
import type { AdvisoryService } from './advisory.service.js';
import {
  advisoryIdParams,
  approveAdvisorySchema,
  draftAdvisorySchema,
  exportQuery,
  listQuery,
  reviseAdvisorySchema,
  sendAdvisorySchema,
} from './advisory.schemas.js';
import type { AdvisoryViews } from './advisory.view.js';

export interface AdvisoryRouteDeps {
  advisories: AdvisoryService;
  sending: AdvisorySendService;
  exports: AdvisoryExportService;
  views: AdvisoryViews;
}

const tags = ['advisories'];

/** Advisories: draft, revise, approve (leads), send, read with delivery status, export. */
export const advisoryRoutes = (deps: AdvisoryRouteDeps): AnyRoute[] => [
  defineRoute({
    method: 'get',
    path: '/api/v1/advisories',
    permission: 'advisory.read',
    summary: 'Advisories, most recently changed first',
    tags,
    query: listQuery,
    handler: async ({ query }) => ({
      items: (await deps.advisories.list(query.limit)).map(deps.views.summary),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/advisories',
    permission: 'advisory.draft',
    summary: 'Draft an advisory from a template or blank',
    tags,
    body: draftAdvisorySchema,
    status: 201,
    handler: async ({ actor, body, res }) => {
      const advisory = await deps.advisories.draft(actor, body);
      res.location(`/api/v1/advisories/${advisory.id}`);
      return deps.views.full(advisory);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/advisories/:id',
    permission: 'advisory.read',
    summary: 'An advisory with its revisions, sends and delivery status per recipient',
    tags,
    params: advisoryIdParams,
    handler: async ({ params }) => deps.views.full(await deps.advisories.require(params.id)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/advisories/:id/revisions',
    permission: 'advisory.draft',
    summary: 'Edit an advisory: a new revision on top of the latest',
    tags,
    params: advisoryIdParams,
    body: reviseAdvisorySchema,
    status: 201,
    errors: {
      409: '`baseRevision` is not the latest revision, or it changed meanwhile (`revision_conflict`).',
    },
    handler: async ({ actor, params, body }) =>
      deps.views.full(await deps.advisories.revise(actor, params.id, body)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/advisories/:id/approve',
    permission: 'advisory.approve',
    summary: 'Approve one revision for sending (a lead who did not write it)',
    tags,
    params: advisoryIdParams,
    body: approveAdvisorySchema,
    errors: {
      403: 'You wrote this revision: another lead must approve it (four eyes, `four_eyes_required`).',
      409: 'The advisory kept changing while approving (`revision_conflict`); retry.',
    },
    handler: async ({ actor, params, body }) =>
      deps.views.full(await deps.advisories.approve(actor, params.id, body.revision)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/advisories/:id/send',
    permission: 'advisory.send',
    summary: 'Send an approved revision to lists and named recipients, within its TLP',
    tags,
    params: advisoryIdParams,
    body: sendAdvisorySchema,
    status: 202,
    errors: {
      409:
        'The revision is not approved (`advisory_not_approved`), or names recipients its approval did not ' +
        'name.',
      422:
        'A recipient is outside what the TLP allows (`tlp_distribution_refused`), unknown to the recipient ' +
        'directory (`recipient_unknown`), or contradicts it (`recipient_classification_conflict`).',
    },
    handler: ({ actor, params, body }) => deps.sending.send(actor, params.id, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/advisories/:id/csaf',
    permission: 'advisory.read',
    summary: 'CSAF 2.0 JSON of a revision (TLP:AMBER+STRICT cannot be exported)',
    tags,
    params: advisoryIdParams,
    query: exportQuery,
    errors: {
      422: 'The revision cannot be expressed in CSAF 2.0 (`export_refused`), e.g. TLP:AMBER+STRICT.',
    },
    handler: ({ actor, params, query }) => deps.exports.csaf(actor, params.id, query.revision),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/advisories/:id/stix',
    permission: 'advisory.read',
    summary: 'STIX 2.1 bundle of the indicators of a revision',
    tags,
    params: advisoryIdParams,
    query: exportQuery,
    errors: { 422: 'The revision cannot be exported as STIX (`export_refused`).' },
    handler: ({ actor, params, query }) => deps.exports.stix(actor, params.id, query.revision),
  }),
];
