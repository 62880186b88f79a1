import { z } from 'zod';
import type { AccountsServices, Language } from '../../accounts/index.js';
import { ROLES, type BureauService, type UserService } from '../../auth/index.js';
import { ConflictError, ValidationError } from '../../platform/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage, type PageProblem } from '../page.js';
import { formState } from '../render.js';

export interface AdminDirectoryDeps {
  bureaux: Pick<BureauService, 'create' | 'list'>;
  users: Pick<UserService, 'create' | 'list' | 'setDisabled' | 'require'>;
  accounts: Pick<AccountsServices['accounts'], 'reset'>;
  /** The regimes the installed policy packs implement: the only ones a bureau may name. */
  knownRegimes(): readonly string[];
  translator: Translator;
}

const BUREAU_FIELDS = ['code', 'name', 'regimes'] as const;
const USER_FIELDS = ['name', 'email', 'role', 'bureauId'] as const;

// Checkboxes send one value, several, or none: always read as a list.
const checked = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

const bureauForm = z.object({
  code: z.string().trim().min(1).max(16),
  name: z.string().trim().min(2).max(200),
  regimes: checked.pipe(z.array(z.string()).min(1, 'validation.required')),
});
const userParams = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });
const disableForm = z.object({ disabled: z.enum(['true', 'false']) });
const resetForm = z.object({ resetTotp: z.literal('on').optional() });
const untilText = (at: Date): string => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const userForm = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  role: z.enum(ROLES),
  bureauId: z.string().trim().max(16),
});

/** A service's duplicate as a problem with the field that collides. */
function duplicate(err: unknown, code: string, field: string, message: string): never {
  if (err instanceof ConflictError && err.code === code)
    throw new ValidationError([{ path: field, message }]);
  throw err;
}

/**
 * The administrator's directory: bureaux (list, create with regimes chosen from the installed packs
 * only) and users (list, create; a new user gets a one-time set-password link, shown once). Through
 * the auth and accounts services (users are also disabled, enabled and their sign-in reset here), the same ones as `/api/v1/admin/*`, so every change is audited there.
 */
export function adminDirectoryPages(deps: AdminDirectoryDeps): AnyPage[] {
  const { translator } = deps;
  const bureauxView = async (
    lang: Language,
    problems: PageProblem[] = [],
    values: Record<string, string> = {},
    chosen: readonly string[] = [],
  ) => ({
    view: 'admin/bureaux',
    title: 'admin.bureauxTitle',
    data: {
      bureaux: (await deps.bureaux.list()).map((bureau) => ({
        code: bureau.code,
        name: bureau.name,
        regimes: bureau.regimes.join(', '),
        active: bureau.active,
      })),
      regimes: deps.knownRegimes().map((code) => ({ code, checked: chosen.includes(code) })),
      form: formState(translator, lang, BUREAU_FIELDS, problems, values),
    },
  });
  const usersView = async (
    lang: Language,
    problems: PageProblem[] = [],
    values: Record<string, string> = {},
  ) => {
    const bureaux = await deps.bureaux.list();
    return {
      view: 'admin/users',
      title: 'admin.usersTitle',
      data: {
        users: (await deps.users.list()).map((user) => ({
          id: user.id,
          name: user.name,
          email: user.email,
          roleKey: `roles.${user.role}`,
          bureauId: user.bureauId,
          disabled: user.disabledAt !== null,
        })),
        roles: ROLES.map((role) => ({ role, label: `roles.${role}`, selected: values.role === role })),
        bureaux: bureaux
          .filter((bureau) => bureau.active)
          .map((bureau) => ({
            code: bureau.code,
            name: bureau.name,
            selected: values.bureauId === bureau.code,
          })),
        form: formState(translator, lang, USER_FIELDS, problems, values),
      },
    };
  };
  return [
    definePage({
      method: 'get',
      path: '/console/admin/bureaux',
      permission: 'admin.bureaux',
      handler: ({ lang }) => bureauxView(lang),
    }),
    definePage({
      method: 'post',
      path: '/console/admin/bureaux',
      permission: 'admin.bureaux',
      form: bureauForm,
      handler: async ({ actor, form, req }) => {
        const bureau = await deps.bureaux
          .create(actor, { code: form.code, name: form.name, regimes: form.regimes, contacts: [] })
          .catch((err: unknown) => duplicate(err, 'bureau_exists', 'code', 'admin.bureauExists'));
        req.session.notice = { key: 'admin.bureauCreated', values: { code: bureau.code } };
        return { redirect: '/console/admin/bureaux' };
      },
      // The service's own checks (code format, unknown regime) come back here as field errors.
      invalid: ({ lang, req }, problems, values) => {
        const body = req.body as { regimes?: unknown };
        const chosen = ([] as unknown[]).concat(body.regimes ?? []).filter((v) => typeof v === 'string');
        return bureauxView(
          lang,
          problems.map((p) => ({ ...p, field: p.field.replace(/\.\d+$/, '') })),
          values,
          chosen,
        );
      },
    }),
    definePage({
      method: 'get',
      path: '/console/admin/users',
      permission: 'admin.users',
      handler: ({ lang }) => usersView(lang),
    }),
    definePage({
      method: 'post',
      path: '/console/admin/users',
      permission: 'admin.users',
      form: userForm,
      handler: async ({ actor, form }) => {
        const user = await deps.users
          .create(actor, {
            name: form.name,
            email: form.email.toLowerCase(),
            role: form.role,
            bureauId: form.bureauId || null,
          })
          .catch((err: unknown) => duplicate(err, 'user_exists', 'email', 'admin.userExists'));
        const { token, expiresAt } = await deps.accounts.reset(actor, user.id, { resetTotp: false });
        return {
          view: 'admin/user-created',
          title: 'admin.userCreatedTitle',
          data: {
            user: { name: user.name, email: user.email },
            link: `/console/password/set?token=${encodeURIComponent(token)}`,
            expiresAt: untilText(expiresAt),
          },
        };
      },
      invalid: ({ lang }, problems, values) => usersView(lang, problems, values),
    }),
    definePage({
      method: 'post',
      path: '/console/admin/users/:id/disabled',
      permission: 'admin.users',
      params: userParams,
      form: disableForm,
      handler: async ({ actor, params, form, req }) => {
        const user = await deps.users.setDisabled(actor, params.id, form.disabled === 'true');
        const key = form.disabled === 'true' ? 'admin.userDisabled' : 'admin.userEnabled';
        req.session.notice = { key, values: { name: user.name } };
        return { redirect: '/console/admin/users' };
      },
    }),
    definePage({
      method: 'post',
      path: '/console/admin/users/:id/sign-in-reset',
      permission: 'admin.users',
      params: userParams,
      form: resetForm,
      handler: async ({ actor, params, form }) => {
        const user = await deps.users.require(params.id);
        const { token, expiresAt } = await deps.accounts.reset(actor, user.id, {
          resetTotp: form.resetTotp === 'on',
        });
        return {
          view: 'admin/sign-in-reset',
          title: 'admin.resetTitle',
          data: {
            user: { name: user.name, email: user.email },
            link: `/console/password/set?token=${encodeURIComponent(token)}`,
            expiresAt: untilText(expiresAt),
          },
        };
      },
    }),
  ];
}
