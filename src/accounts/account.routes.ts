import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../platform/http/index.js';
import type { AccountService } from './account.service.js';

const userParams = z.strictObject({
  userId: z
    .string()
    .regex(/^[0-9a-f]{24}$/, 'must be a user id')
    .describe('User id.'),
});
const resetBody = z.strictObject({
  /** Also remove the TOTP factor and recovery codes (the person lost their phone). */
  resetTotp: z
    .boolean()
    .default(false)
    .describe('Also remove their authenticator (TOTP) and recovery codes, e.g. when they lost their phone.'),
});

/** The administrators' side of console accounts. */
export function accountRoutes(
  accounts: AccountService,
  setPasswordUrl: (token: string) => string,
): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/users/:userId/sign-in-reset',
      permission: 'admin.users',
      summary:
        "Reset a person's console sign-in: the password stops working, the lockout ends, their sessions end; answers a one-time set-password link (24 h) to hand to them",
      tags: ['admin'],
      params: userParams,
      body: resetBody,
      handler: async ({ actor, params, body, res }) => {
        res.set('Cache-Control', 'no-store');
        const { token, expiresAt } = await accounts.reset(actor, params.userId, body);
        return { setPasswordUrl: setPasswordUrl(token), expiresAt: expiresAt.toISOString() };
      },
    }),
  ];
}
