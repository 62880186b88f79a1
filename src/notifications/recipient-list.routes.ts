import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import type { RecipientListService } from './recipient-list.service.js';
import { listSlugSchema, recipientListInput } from './recipient-list.types.js';

/** Partner and duty lists: read by those who send advisories, managed by administrators. */
export const recipientListRoutes = (lists: RecipientListService): AnyRoute[] => [
  defineRoute({
    method: 'get',
    path: '/api/v1/recipient-lists',
    permission: 'advisory.read',
    summary: 'Recipient lists advisories can be sent to',
    tags: ['advisories'],
    handler: async () => ({ items: await lists.list() }),
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/recipient-lists/:slug',
    // Lists are contact data like bureaux and their contacts, which administrators keep.
    permission: 'admin.bureaux',
    summary: 'Create or replace a recipient list',
    tags: ['advisories'],
    params: z.strictObject({ slug: listSlugSchema }),
    body: recipientListInput,
    handler: ({ actor, params, body }) => lists.upsert(actor, params.slug, body),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/recipient-lists/:slug/disable',
    permission: 'admin.bureaux',
    summary: 'Disable a recipient list (409 while the active policy mails it)',
    tags: ['advisories'],
    params: z.strictObject({ slug: listSlugSchema }),
    handler: ({ actor, params }) => lists.setDisabled(actor, params.slug, true),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/recipient-lists/:slug/enable',
    permission: 'admin.bureaux',
    summary: 'Enable a disabled recipient list again',
    tags: ['advisories'],
    params: z.strictObject({ slug: listSlugSchema }),
    handler: ({ actor, params }) => lists.setDisabled(actor, params.slug, false),
  }),
];
