import { z } from 'zod';
import {
  type AccountsServices,
  type ClientInfo,
  type Language,
  type Person,
  LANGUAGES,
  PASSWORD_MIN,
} from '../../accounts/index.js';
import { NotFoundError, ValidationError } from '../../platform/index.js';
import type { Translator } from '../i18n.js';
import {
  definePage,
  safeReturnPath,
  type AnyPage,
  type PageContext,
  type PageProblem,
  type PageView,
} from '../page.js';
import { formState } from '../render.js';
import { destroy, regenerate, SESSION_COOKIE } from '../session.js';
import { establish, pendingOf } from './sign-in-session.js';

export interface SignInPageDeps {
  services: AccountsServices;
  translator: Translator;
  audit: { signOut(person: Person, ip: string): Promise<void> };
  /** The console's base URL (the OIDC callback is matched against it). */
  publicUrl(): string;
}

const loginForm = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
  next: z.string().max(2000).optional(),
});
const codeForm = z.object({ code: z.string().trim().min(1).max(32) });
const enrolForm = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'validation.codeFormat'),
});
const loginQuery = z.object({ next: z.string().max(2000).optional(), 'signed-out': z.string().optional() });

export type AnyCtx = Pick<PageContext<unknown, unknown, unknown, unknown>, 'lang' | 'req'>;

/** The sign-in pages: password, second step, enrolment when required, OIDC, sign-out, language. */
export function signInPages(deps: SignInPageDeps): AnyPage[] {
  const { services, translator } = deps;
  const t = (lang: Language, key: string, values?: Record<string, unknown>): string =>
    translator.t(lang, key, values);

  const loginView = (
    ctx: AnyCtx,
    options: {
      problems?: PageProblem[];
      values?: Record<string, string>;
      refused?: string | null;
      next?: string;
      signedOut?: boolean;
      status?: number;
    },
  ): PageView => ({
    view: 'signin/login',
    title: 'signin.title',
    status: options.status,
    data: {
      form: formState(translator, ctx.lang, ['email', 'password'], options.problems, options.values),
      next: safeReturnPath(options.next ?? options.values?.next),
      refused: options.refused ?? null,
      signedOut: options.signedOut ?? false,
      sso: services.oidc !== null,
    },
  });

  const codeView = (ctx: AnyCtx, problems: PageProblem[] = [], status?: number): PageView => ({
    view: 'signin/second-factor',
    title: 'secondFactor.title',
    status,
    data: { form: formState(translator, ctx.lang, ['code'], problems) },
  });

  const pendingPerson = async (
    ctx: AnyCtx,
    stage: 'second-factor' | 'enrol',
  ): Promise<{ person: Person; next: string } | null> => {
    const pending = pendingOf(ctx.req, stage);
    const person = pending ? await services.people.get(pending.userId) : null;
    return pending && person?.active ? { person, next: pending.next } : null;
  };

  const restart = (ctx: AnyCtx): { redirect: string } => {
    delete ctx.req.session.pending;
    ctx.req.session.notice = { key: 'signin.stepExpired' };
    return { redirect: '/console/login' };
  };

  return [
    definePage({
      method: 'get',
      path: '/console/login',
      permission: 'public',
      query: loginQuery,
      handler: (ctx) => {
        if (ctx.actor) return { redirect: safeReturnPath(ctx.query.next) };
        return loginView(ctx, { next: ctx.query.next, signedOut: ctx.query['signed-out'] !== undefined });
      },
    }),
    definePage({
      method: 'post',
      path: '/console/login',
      permission: 'public',
      limited: true,
      form: loginForm,
      handler: async (ctx) => {
        const next = safeReturnPath(ctx.form.next);
        const outcome = await services.signIn.password(ctx.form.email, ctx.form.password, ctx.client);
        switch (outcome.kind) {
          case 'refused':
            return loginView(ctx, {
              values: { email: ctx.form.email, next },
              refused: t(ctx.lang, 'signin.refused'),
              status: 401,
            });
          case 'signed-in':
            await establish(ctx.req, services.accounts, outcome.person, 'password');
            return { redirect: next };
          case 'second-factor':
          case 'enrol': {
            const lang = ctx.req.session.lang;
            await regenerate(ctx.req);
            if (lang) ctx.req.session.lang = lang;
            ctx.req.session.pending = {
              userId: outcome.person.id,
              stage: outcome.kind,
              since: Date.now(),
              next,
            };
            return {
              redirect: outcome.kind === 'enrol' ? '/console/login/enrol' : '/console/login/second-factor',
            };
          }
        }
      },
      invalid: (ctx, problems, values) => loginView(ctx, { problems, values }),
    }),
    definePage({
      method: 'get',
      path: '/console/login/second-factor',
      permission: 'public',
      handler: async (ctx) => ((await pendingPerson(ctx, 'second-factor')) ? codeView(ctx) : restart(ctx)),
    }),
    definePage({
      method: 'post',
      path: '/console/login/second-factor',
      permission: 'public',
      limited: true,
      form: codeForm,
      handler: async (ctx) => {
        const pending = await pendingPerson(ctx, 'second-factor');
        if (!pending) return restart(ctx);
        const outcome = await services.signIn.secondFactor(pending.person.id, ctx.form.code, ctx.client);
        if (outcome.kind === 'refused')
          return codeView(ctx, [{ field: 'code', message: 'validation.codeWrong' }], 401);
        await establish(ctx.req, services.accounts, outcome.person, `password+${outcome.method}`);
        return { redirect: pending.next };
      },
      invalid: (ctx, problems) => codeView(ctx, problems),
    }),
    definePage({
      method: 'get',
      path: '/console/login/enrol',
      permission: 'public',
      handler: async (ctx) => {
        const pending = await pendingPerson(ctx, 'enrol');
        return pending ? enrolView(deps, ctx, pending.person, '/console/login/enrol', true) : restart(ctx);
      },
    }),
    definePage({
      method: 'post',
      path: '/console/login/enrol',
      permission: 'public',
      limited: true,
      form: enrolForm,
      handler: async (ctx) => {
        const pending = await pendingPerson(ctx, 'enrol');
        const secret = ctx.req.session.enrolSecret;
        if (!pending || !secret) return restart(ctx);
        const codes = await confirmTotpCode(services, pending.person, secret, ctx.form.code, ctx.client);
        await services.signIn.succeed(pending.person, ctx.client, 'password+totp-enrolment');
        await establish(ctx.req, services.accounts, pending.person, 'password+totp');
        delete ctx.req.session.enrolSecret;
        return recoveryCodesView(codes, pending.next);
      },
      invalid: async (ctx, problems) => {
        const pending = await pendingPerson(ctx, 'enrol');
        if (!pending) throw new NotFoundError('Page');
        return { ...(await enrolView(deps, ctx, pending.person, '/console/login/enrol', true, problems)) };
      },
    }),
    definePage({
      method: 'get',
      path: '/console/login/oidc',
      permission: 'public',
      limited: true,
      query: z.object({ next: z.string().max(2000).optional() }),
      handler: async (ctx) => {
        if (!services.oidc) throw new NotFoundError('Page');
        const { url, pending } = await services.oidc.start();
        ctx.req.session.oidc = { ...pending, next: safeReturnPath(ctx.query.next) };
        return { redirect: url };
      },
    }),
    definePage({
      method: 'get',
      path: '/console/login/oidc/callback',
      permission: 'public',
      limited: true,
      handler: async (ctx) => {
        const pending = ctx.req.session.oidc;
        if (!services.oidc) throw new NotFoundError('Page');
        if (!pending) return restart(ctx);
        delete ctx.req.session.oidc;
        const callback = new URL(ctx.req.originalUrl, deps.publicUrl());
        const outcome = await services.oidc.complete(callback, pending, ctx.client);
        if (outcome.kind === 'refused') {
          return loginView(ctx, { refused: t(ctx.lang, `signin.ssoRefused.${outcome.reason}`), status: 403 });
        }
        await establish(ctx.req, services.accounts, outcome.person, 'oidc');
        return { redirect: pending.next };
      },
    }),
    definePage({
      method: 'post',
      path: '/console/logout',
      permission: 'self.read',
      handler: async (ctx) => {
        await deps.audit.signOut(ctx.person, ctx.client.ip);
        await destroy(ctx.req);
        ctx.res.clearCookie(SESSION_COOKIE, { path: '/' });
        return { redirect: '/console/login?signed-out' };
      },
    }),
    definePage({
      method: 'post',
      path: '/console/language',
      permission: 'public',
      form: z.object({ language: z.enum(LANGUAGES), back: z.string().max(2000).optional() }),
      handler: async (ctx) => {
        ctx.req.session.lang = ctx.form.language;
        if (ctx.person) await services.accounts.setLanguage(ctx.person, ctx.form.language);
        return { redirect: safeReturnPath(ctx.form.back) };
      },
    }),
    ...passwordPages(deps),
  ];
}

/** The enrolment page: the QR code and key of the enrolment under way, and the code field. */
export async function enrolView(
  deps: Pick<SignInPageDeps, 'services' | 'translator'>,
  ctx: AnyCtx,
  person: Person,
  action: string,
  required: boolean,
  problems: PageProblem[] = [],
): Promise<PageView> {
  // The secret shown must be the one confirmed: an enrolment keeps its secret until it completes.
  const shown = await deps.services.accounts.beginTotp(person, ctx.req.session.enrolSecret);
  ctx.req.session.enrolSecret = shown.secret;
  return {
    view: 'account/totp-enrol',
    title: 'enrol.title',
    data: {
      action,
      required,
      qrDataUrl: shown.qrDataUrl,
      secret: shown.secret.replace(/(.{4})/g, '$1 ').trim(),
      form: formState(deps.translator, ctx.lang, ['code'], problems),
    },
  };
}

/** Confirms an enrolment; a wrong code is a field error in the page's language (the service's is English). */
export async function confirmTotpCode(
  services: AccountsServices,
  person: Person,
  secret: string,
  code: string,
  client: ClientInfo,
): Promise<string[]> {
  try {
    return await services.accounts.confirmTotp(person, secret, code, client);
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new ValidationError([{ path: 'code', message: 'validation.codeWrong' }]);
    }
    throw err;
  }
}

/** The recovery codes, shown once after enrolment. */
export function recoveryCodesView(codes: string[], next: string): PageView {
  return {
    view: 'account/recovery-codes',
    title: 'enrol.doneTitle',
    data: { codes, next: safeReturnPath(next) },
  };
}

const passwordForm = z
  .object({
    token: z.string().max(200),
    password: z.string().min(PASSWORD_MIN, 'validation.passwordTooShort').max(256),
    confirm: z.string().max(256),
  })
  .refine((form) => form.password === form.confirm, {
    path: ['confirm'],
    message: 'validation.passwordMismatch',
  });

/** The set-password page an administrator's reset link opens. */
function passwordPages(deps: SignInPageDeps): AnyPage[] {
  const { services, translator } = deps;
  const view = (ctx: AnyCtx, person: Person, token: string, problems: PageProblem[] = []): PageView => ({
    view: 'password/set',
    title: 'password.title',
    data: {
      email: person.email,
      token,
      minimum: PASSWORD_MIN,
      form: formState(
        translator,
        ctx.lang,
        ['password', 'confirm'],
        problems.map((p) =>
          p.message === 'validation.passwordTooShort' ? { ...p, values: { minimum: PASSWORD_MIN } } : p,
        ),
      ),
    },
  });
  const invalidLink: PageView = { view: 'password/invalid', title: 'password.title', status: 404, data: {} };
  return [
    definePage({
      method: 'get',
      path: '/console/password/set',
      permission: 'public',
      query: z.object({ token: z.string().max(200).default('') }),
      handler: async (ctx) => {
        const person = await services.accounts.resetHolder(ctx.query.token);
        return person ? view(ctx, person, ctx.query.token) : invalidLink;
      },
    }),
    definePage({
      method: 'post',
      path: '/console/password/set',
      permission: 'public',
      limited: true,
      form: passwordForm,
      handler: async (ctx) => {
        const person = await services.accounts.resetHolder(ctx.form.token);
        if (!person) return invalidLink;
        if (ctx.form.password.trim().toLowerCase() === person.email) {
          return {
            ...view(ctx, person, ctx.form.token, [
              { field: 'password', message: 'validation.passwordIsEmail' },
            ]),
            status: 422,
          };
        }
        await services.accounts.setPasswordWithToken(ctx.form.token, ctx.form.password, ctx.client);
        ctx.req.session.notice = { key: 'password.done' };
        return { redirect: '/console/login' };
      },
      invalid: async (ctx, problems, values) => {
        const token = 'token' in values ? values.token : '';
        const person = await services.accounts.resetHolder(token);
        return person ? view(ctx, person, token, problems) : invalidLink;
      },
    }),
  ];
}
