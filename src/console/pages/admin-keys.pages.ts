import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import type { ApiKeyService, UserService } from '../../auth/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage, type PageProblem } from '../page.js';
import { formState } from '../render.js';

declare module 'express-session' {
  interface SessionData {
    /**
     * One-time tokens of the key-issue forms shown: a form is good for one key, so a reload of the
     * page that showed a key (the browser sends the form again) issues none and shows none.
     */
    keyForms: string[];
  }
}

export interface AdminKeysDeps {
  keys: Pick<ApiKeyService, 'issue' | 'list' | 'revoke'>;
  users: Pick<UserService, 'list'>;
  translator: Translator;
}

/** The longest a key may live (the API's own limit, `createKeySchema`). */
const MAX_KEY_DAYS = 730;
const KEY_FIELDS = ['userId', 'label', 'expiresInDays'] as const;
const FORMS_KEPT = 5;

const issueForm = z.object({
  userId: z.string().regex(/^[0-9a-f]{24}$/, 'validation.required'),
  label: z.string().trim().min(1).max(100),
  expiresInDays: z.coerce.number().int().min(1).max(MAX_KEY_DAYS),
  formToken: z.string().min(1).max(64),
});
const keyParams = z.object({ keyId: z.string().regex(/^[0-9A-Za-z]{12}$/) });

/** A fresh one-time token for a key-issue form, remembered in the session (the last few only). */
function newFormToken(req: Request): string {
  const token = randomBytes(16).toString('hex');
  req.session.keyForms = [...(req.session.keyForms ?? []), token].slice(-FORMS_KEPT);
  return token;
}

/** True once for a token this session was given; it is used up either way. */
function useFormToken(req: Request, token: string): boolean {
  const forms = req.session.keyForms ?? [];
  req.session.keyForms = forms.filter((t) => t !== token);
  return forms.includes(token);
}

/**
 * API keys for administrators, through the auth module's key service (as `/api/v1/admin/keys`, so
 * issuing and revoking are audited there): every key with its owner, role, bureau, dates and state;
 * issue one (its text shown once, on the answer to the form, and nowhere else: not stored, not logged,
 * not shown again on reload); revoke one after a confirmation page.
 */
export function adminKeysPages(deps: AdminKeysDeps): AnyPage[] {
  const { translator } = deps;
  const keysView = async (
    req: Request,
    lang: Language,
    problems: PageProblem[] = [],
    values: Record<string, string> = {},
  ) => {
    const [keys, users] = await Promise.all([deps.keys.list(), deps.users.list()]);
    const byId = new Map(users.map((user) => [user.id, user]));
    const now = Date.now();
    return {
      view: 'admin/keys',
      title: 'adminKeys.title',
      data: {
        keys: keys
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
          .map((key) => {
            const owner = byId.get(key.userId);
            return {
              keyId: key.keyId,
              label: key.label,
              // The name only: e-mail addresses would make the table too wide to read.
              owner: owner ? owner.name : null,
              roleKey: owner ? `roles.${owner.role}` : null,
              bureauId: owner?.bureauId ?? null,
              createdAt: key.createdAt,
              expiresAt: key.expiresAt,
              lastUsedAt: key.lastUsedAt,
              revokedAt: key.revokedAt,
              expired: key.revokedAt === null && key.expiresAt.getTime() <= now,
              live: key.revokedAt === null && key.expiresAt.getTime() > now,
            };
          }),
        users: users
          .filter((user) => user.disabledAt === null)
          .map((user) => ({
            id: user.id,
            text: `${user.name} (${user.email}) – ${translator.t(lang, `roles.${user.role}`)}`,
            selected: values.userId === user.id,
          })),
        maxDays: MAX_KEY_DAYS,
        formToken: newFormToken(req),
        form: formState(translator, lang, KEY_FIELDS, problems, {
          expiresInDays: '365',
          ...values,
        }),
      },
    };
  };
  const findKey = async (keyId: string) => {
    const [keys, users] = await Promise.all([deps.keys.list(), deps.users.list()]);
    const key = keys.find((k) => k.keyId === keyId);
    if (!key) return null;
    const owner = users.find((user) => user.id === key.userId);
    return { key, owner: owner ? `${owner.name} (${owner.email})` : null };
  };
  return [
    definePage({
      method: 'get',
      path: '/console/admin/keys',
      permission: 'admin.keys',
      handler: ({ req, lang }) => keysView(req, lang),
    }),
    definePage({
      method: 'post',
      path: '/console/admin/keys',
      permission: 'admin.keys',
      form: issueForm,
      handler: async ({ actor, form, req, lang }) => {
        // A form sent twice (a reload of the answer) issues nothing the second time.
        if (!useFormToken(req, form.formToken)) return { redirect: '/console/admin/keys' };
        const issued = await deps.keys.issue(actor, {
          userId: form.userId,
          label: form.label,
          expiresInDays: form.expiresInDays,
        });
        const owner = (await deps.users.list()).find((user) => user.id === issued.userId);
        return {
          view: 'admin/key-issued',
          title: 'adminKeys.issuedTitle',
          data: {
            owner: owner ? `${owner.name} (${owner.email})` : translator.t(lang, 'adminKeys.unknownUser'),
            label: issued.label,
            expiresText: `${issued.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
            key: issued.key,
          },
        };
      },
      // The service's own refusals (a disabled or unknown user) come back here as field errors.
      invalid: ({ req, lang }, problems, values) => keysView(req, lang, problems, values),
    }),
    definePage({
      method: 'get',
      path: '/console/admin/keys/:keyId/revoke',
      permission: 'admin.keys',
      params: keyParams,
      handler: async ({ params, lang }) => {
        const found = await findKey(params.keyId);
        if (!found || found.key.revokedAt) return { redirect: '/console/admin/keys' };
        return {
          view: 'admin/key-revoke',
          title: 'adminKeys.revokeTitle',
          data: {
            keyId: found.key.keyId,
            label: found.key.label,
            owner: found.owner ?? translator.t(lang, 'adminKeys.unknownUser'),
          },
        };
      },
    }),
    definePage({
      method: 'post',
      path: '/console/admin/keys/:keyId/revoke',
      permission: 'admin.keys',
      params: keyParams,
      handler: async ({ actor, params, req }) => {
        const key = await deps.keys.revoke(actor, params.keyId);
        req.session.notice = {
          key: 'adminKeys.keyRevoked',
          values: { keyId: key.keyId, label: key.label },
        };
        return { redirect: '/console/admin/keys' };
      },
    }),
  ];
}
