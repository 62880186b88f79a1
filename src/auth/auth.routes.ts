import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import type { ApiKeyService } from './api-key.service.js';
import {
  bureauParamsSchema,
  createBureauSchema,
  createKeySchema,
  createUserSchema,
  keyIdParamsSchema,
  keyListQuerySchema,
  updateBureauSchema,
  userIdParamsSchema,
  userListQuerySchema,
} from './auth.schemas.js';
import type { BureauService } from './bureau.service.js';
import type { UserService } from './user.service.js';

export interface AuthRouteDeps {
  bureaux: BureauService;
  users: UserService;
  keys: ApiKeyService;
}

/** `GET /api/v1/me` and the administrators' bureau, user and key endpoints. */
export function authRoutes(deps: AuthRouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/me',
      permission: 'self.read',
      summary: 'Who the caller is: user, role, bureau and the key in use',
      tags: ['access'],
      handler: async ({ actor }) => {
        const user = await deps.users.require(actor.userId);
        const bureau = user.bureauId ? await deps.bureaux.getBureau(user.bureauId) : null;
        return { user, bureau, keyId: actor.keyId };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/bureaux',
      permission: 'admin.bureaux',
      summary: 'Create a bureau',
      tags: ['admin'],
      body: createBureauSchema,
      status: 201,
      handler: ({ actor, body, res }) => {
        res.location(`/api/v1/admin/bureaux/${body.code}`);
        return deps.bureaux.create(actor, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/bureaux',
      permission: 'admin.bureaux',
      summary: 'List bureaux',
      tags: ['admin'],
      handler: async () => ({ items: await deps.bureaux.list() }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/bureaux/:code',
      permission: 'admin.bureaux',
      summary: 'One bureau',
      tags: ['admin'],
      params: bureauParamsSchema,
      handler: ({ params }) => deps.bureaux.requireBureau(params.code),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/admin/bureaux/:code',
      permission: 'admin.bureaux',
      summary: 'Edit a bureau: replace its name, regimes (known to the policy packs) or contacts',
      tags: ['admin'],
      params: bureauParamsSchema,
      body: updateBureauSchema,
      handler: ({ actor, params, body }) => deps.bureaux.update(actor, params.code, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/bureaux/:code/deactivate',
      permission: 'admin.bureaux',
      summary: 'Deactivate a bureau: it files no new reports, its incidents stay readable',
      tags: ['admin'],
      params: bureauParamsSchema,
      handler: ({ actor, params }) => deps.bureaux.setActive(actor, params.code, false),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/bureaux/:code/reactivate',
      permission: 'admin.bureaux',
      summary: 'Reactivate a deactivated bureau',
      tags: ['admin'],
      params: bureauParamsSchema,
      handler: ({ actor, params }) => deps.bureaux.setActive(actor, params.code, true),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/users',
      permission: 'admin.users',
      summary: 'Create a user with one role (reporters need a bureau)',
      tags: ['admin'],
      body: createUserSchema,
      status: 201,
      handler: ({ actor, body }) => deps.users.create(actor, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/users',
      permission: 'admin.users',
      summary: 'List users, optionally by bureau or role',
      tags: ['admin'],
      query: userListQuerySchema,
      handler: async ({ query }) => ({ items: await deps.users.list(query) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/users/:userId/disable',
      permission: 'admin.users',
      summary: 'Disable a user: their API keys stop working with the next request',
      tags: ['admin'],
      params: userIdParamsSchema,
      handler: ({ actor, params }) => deps.users.setDisabled(actor, params.userId, true),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/users/:userId/enable',
      permission: 'admin.users',
      summary: 'Enable a disabled user again (their unrevoked, unexpired keys work again)',
      tags: ['admin'],
      params: userIdParamsSchema,
      handler: ({ actor, params }) => deps.users.setDisabled(actor, params.userId, false),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/keys',
      permission: 'admin.keys',
      summary: 'Issue an API key for a user; the key is shown in this answer only',
      tags: ['admin'],
      body: createKeySchema,
      status: 201,
      handler: async ({ actor, body, res }) => {
        res.set('Cache-Control', 'no-store');
        return deps.keys.issue(actor, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/keys',
      permission: 'admin.keys',
      summary: 'List API keys (never their secrets)',
      tags: ['admin'],
      query: keyListQuerySchema,
      handler: async ({ query }) => ({ items: await deps.keys.list(query) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/keys/:keyId/revoke',
      permission: 'admin.keys',
      summary: 'Revoke an API key at once',
      tags: ['admin'],
      params: keyIdParamsSchema,
      handler: ({ actor, params }) => deps.keys.revoke(actor, params.keyId),
    }),
  ];
}
