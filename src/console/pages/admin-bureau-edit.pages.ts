import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import { bureauCodeSchema, type BureauService } from '../../auth/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage, type PageProblem } from '../page.js';
import { formState } from '../render.js';

export interface AdminBureauEditDeps {
  bureaux: Pick<BureauService, 'requireBureau' | 'update'>;
  /** The regimes the installed policy packs implement: the only ones a bureau may name. */
  knownRegimes(): readonly string[];
  translator: Translator;
}

const FIELDS = ['name', 'regimes'] as const;

// Checkboxes send one value, several, or none: always read as a list.
const checked = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

const editForm = z.object({
  name: z.string().trim().min(2).max(200),
  regimes: checked.pipe(z.array(z.string()).min(1, 'validation.required')),
});
const codeParams = z.object({ code: bureauCodeSchema });

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * Editing a bureau's name and regimes (ticked from the installed packs only), through the auth
 * module's bureau service, as `PATCH /api/v1/admin/bureaux/:code`: audited as `bureau.updated` with
 * each changed field. Its contacts are kept on the bureau's organisation page, not here.
 */
export function adminBureauEditPages(deps: AdminBureauEditDeps): AnyPage[] {
  const { translator } = deps;
  const editView = (
    lang: Language,
    code: string,
    chosen: readonly string[],
    problems: PageProblem[] = [],
    values: Record<string, string> = {},
  ) => ({
    view: 'admin/bureau-edit',
    title: 'adminBureau.editTitle',
    titleValues: { code },
    data: {
      code,
      // A regime the bureau names that no installed pack implements any longer is shown too, so that it
      // can be unticked (the service refuses to keep it, and the field says why).
      regimes: [...new Set([...deps.knownRegimes(), ...chosen])]
        .sort()
        .map((regime) => ({ code: regime, checked: chosen.includes(regime) })),
      form: formState(translator, lang, FIELDS, problems, values),
    },
  });
  return [
    definePage({
      method: 'get',
      path: '/console/admin/bureaux/:code/edit',
      permission: 'admin.bureaux',
      params: codeParams,
      handler: async ({ params, lang }) => {
        const bureau = await deps.bureaux.requireBureau(params.code);
        return editView(lang, bureau.code, bureau.regimes, [], { name: bureau.name });
      },
    }),
    definePage({
      method: 'post',
      path: '/console/admin/bureaux/:code/edit',
      permission: 'admin.bureaux',
      params: codeParams,
      form: editForm,
      handler: async ({ actor, params, form, req }) => {
        const current = await deps.bureaux.requireBureau(params.code);
        if (current.name === form.name && same(current.regimes, form.regimes)) {
          req.session.notice = { key: 'adminBureau.unchanged', values: { code: params.code } };
          return { redirect: '/console/admin/bureaux' };
        }
        await deps.bureaux.update(actor, params.code, { name: form.name, regimes: form.regimes });
        req.session.notice = { key: 'adminBureau.saved', values: { code: params.code } };
        return { redirect: '/console/admin/bureaux' };
      },
      // The service's unknown-regime refusals (`regimes.<index>`) are shown on the regimes field.
      invalid: ({ lang, req, params }, problems, values) => {
        const body = req.body as { regimes?: unknown };
        const chosen = ([] as unknown[]).concat(body.regimes ?? []).filter((v) => typeof v === 'string');
        return editView(
          lang,
          params.code,
          chosen,
          problems.map((p) => ({ ...p, field: p.field.replace(/\.\d+$/, '') })),
          values,
        );
      },
    }),
  ];
}
