import { z } from 'zod';
import type { AccountsServices } from '../../accounts/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage } from '../page.js';
import { confirmTotpCode, enrolView, recoveryCodesView } from './sign-in.pages.js';

export interface AccountPageDeps {
  services: AccountsServices;
  translator: Translator;
}

const codeForm = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'validation.codeFormat'),
});

/** A signed-in person's own account: second factor, recovery codes, language. */
export function accountPages(deps: AccountPageDeps): AnyPage[] {
  const { services } = deps;
  return [
    definePage({
      method: 'get',
      path: '/console/account',
      permission: 'self.read',
      handler: async (ctx) => {
        const account = await services.accounts.get(ctx.person.id);
        const totp = account?.totp ?? null;
        return {
          view: 'account/show',
          title: 'account.title',
          data: {
            totp: totp ? { since: totp.enrolledAt } : null,
            recoveryLeft: account ? account.recoveryCodes.filter((code) => code.usedAt === null).length : 0,
            oidc: ctx.req.session.method === 'oidc',
          },
        };
      },
    }),
    definePage({
      method: 'get',
      path: '/console/account/totp',
      permission: 'self.read',
      handler: (ctx) => enrolView(deps, ctx, ctx.person, '/console/account/totp', false),
    }),
    definePage({
      method: 'post',
      path: '/console/account/totp',
      permission: 'self.read',
      form: codeForm,
      handler: async (ctx) => {
        const secret = ctx.req.session.enrolSecret;
        if (!secret) return { redirect: '/console/account/totp' };
        const codes = await confirmTotpCode(services, ctx.person, secret, ctx.form.code, ctx.client);
        delete ctx.req.session.enrolSecret;
        return recoveryCodesView(codes, '/console/account');
      },
      invalid: (ctx, problems) => enrolView(deps, ctx, ctx.person, '/console/account/totp', false, problems),
    }),
  ];
}
