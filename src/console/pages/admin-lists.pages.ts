import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import {
  listSlugSchema,
  recipientListInput,
  type PolicyRouteUse,
  type RecipientList,
  type RecipientListInput,
  type RecipientListService,
} from '../../notifications/index.js';
import { ConflictError, ValidationError } from '../../platform/index.js';
import type { Translator } from '../i18n.js';
import { definePage, pageProblems, type AnyPage, type PageProblem } from '../page.js';
import { formState } from '../render.js';

export interface AdminListsDeps {
  lists: Pick<RecipientListService, 'list' | 'require' | 'upsert' | 'setDisabled'>;
  /** The routes the active policy mails, with the rules that name each. */
  policyRoutes(): readonly PolicyRouteUse[];
  translator: Translator;
}

const CIRCLES = ['internal', 'constituent', 'partner', 'community', 'public'] as const;
const LIST_FIELDS = ['slug', 'name', 'organisation', 'circle', 'members'] as const;

const listFields = {
  name: z.string().trim().min(1).max(200),
  organisation: z.string().trim().min(1).max(200),
  circle: z.enum(CIRCLES),
  members: z.string().max(60_000),
};
const createForm = z.object({ slug: z.string().trim().pipe(listSlugSchema), ...listFields });
const editForm = z.object(listFields);
const slugParams = z.object({ slug: listSlugSchema });
const disableForm = z.object({ disabled: z.enum(['true', 'false']) });

/** Members as the textarea shows them: one a line, `Name, address`. */
const memberLines = (list: RecipientList): string =>
  list.members.map((member) => `${member.name}, ${member.address}`).join('\n');

/**
 * The textarea's lines as members, and the whole as the API's list body (`recipientListInput`), so the
 * console accepts exactly what `PUT /api/v1/recipient-lists/:slug` does. A bad member line is named by
 * its line number.
 */
function listInput(
  form: { name: string; organisation: string; circle: string; members: string },
  t: (key: string, values?: Record<string, unknown>) => string,
): RecipientListInput {
  const lines = form.members
    .split(/\r?\n/)
    .map((text, index) => ({ text: text.trim(), line: index + 1 }))
    .filter((entry) => entry.text !== '');
  const members = lines.map(({ text }) => {
    const comma = text.lastIndexOf(',');
    return { name: text.slice(0, Math.max(comma, 0)).trim(), address: text.slice(comma + 1).trim() };
  });
  const parsed = recipientListInput.safeParse({
    name: form.name,
    organisation: form.organisation,
    circle: form.circle,
    members,
  });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const [field, index] = issue.path;
    if (field === 'members' && typeof index === 'number') {
      return { path: 'members', message: t('adminLists.memberLine', { line: lines[index].line }) };
    }
    const problem = pageProblems([issue])[0];
    return { path: issue.path.length > 0 ? String(field) : 'form', message: problem.message };
  });
  throw new ValidationError(problems);
}

/**
 * Recipient lists for administrators, through the notifications module's list service (as
 * `/api/v1/recipient-lists`, so every change is audited there): the lists with the policy rules that
 * mail each; create; edit name, organisation, circle and members; disable and enable (a list the
 * active policy mails cannot be disabled).
 */
export function adminListsPages(deps: AdminListsDeps): AnyPage[] {
  const { translator } = deps;
  const usedBy = (): Map<string, readonly string[]> =>
    new Map(deps.policyRoutes().map((route) => [route.route, route.usedBy]));
  const circles = (lang: Language, chosen: string | undefined) =>
    CIRCLES.map((circle) => ({
      circle,
      label: translator.t(lang, `adminLists.circles.${circle}`),
      selected: chosen === circle,
    }));
  const listsView = async (
    lang: Language,
    problems: PageProblem[] = [],
    values: Record<string, string> = {},
  ) => {
    const uses = usedBy();
    return {
      view: 'admin/lists',
      title: 'adminLists.title',
      data: {
        lists: (await deps.lists.list()).map((list) => ({
          slug: list.slug,
          name: list.name,
          organisation: list.organisation,
          circleKey: `adminLists.circles.${list.circle}`,
          members: list.members.length,
          updatedAt: list.updatedAt,
          disabledAt: list.disabledAt,
          usedBy: uses.get(list.slug)?.join(', ') ?? null,
        })),
        circles: circles(lang, 'circle' in values ? values.circle : 'partner'),
        form: formState(translator, lang, LIST_FIELDS, problems, values),
      },
    };
  };
  const editView = (
    lang: Language,
    slug: string,
    problems: PageProblem[] = [],
    values: Record<string, string> = {},
  ) => ({
    view: 'admin/list-edit',
    title: 'adminLists.editTitle',
    titleValues: { slug },
    data: {
      slug,
      circles: circles(lang, values.circle),
      form: formState(translator, lang, LIST_FIELDS, problems, values),
    },
  });
  return [
    definePage({
      method: 'get',
      path: '/console/admin/lists',
      permission: 'admin.bureaux',
      handler: ({ lang }) => listsView(lang),
    }),
    definePage({
      method: 'post',
      path: '/console/admin/lists',
      permission: 'admin.bureaux',
      form: createForm,
      handler: async ({ actor, form, req, lang }) => {
        const input = listInput(form, (key, values) => translator.t(lang, key, values));
        // Creating must not replace a list of the same slug: that is what editing is for.
        const existing = (await deps.lists.list()).some((list) => list.slug === form.slug);
        if (existing) throw new ValidationError([{ path: 'slug', message: 'adminLists.exists' }]);
        await deps.lists.upsert(actor, form.slug, input);
        req.session.notice = { key: 'adminLists.created', values: { slug: form.slug } };
        return { redirect: '/console/admin/lists' };
      },
      invalid: ({ lang }, problems, values) => listsView(lang, problems, values),
    }),
    definePage({
      method: 'get',
      path: '/console/admin/lists/:slug',
      permission: 'admin.bureaux',
      params: slugParams,
      handler: async ({ params, lang }) => {
        const list = await deps.lists.require(params.slug);
        return editView(lang, list.slug, [], {
          name: list.name,
          organisation: list.organisation,
          circle: list.circle,
          members: memberLines(list),
        });
      },
    }),
    definePage({
      method: 'post',
      path: '/console/admin/lists/:slug',
      permission: 'admin.bureaux',
      params: slugParams,
      form: editForm,
      handler: async ({ actor, params, form, req, lang }) => {
        await deps.lists.require(params.slug);
        const input = listInput(form, (key, values) => translator.t(lang, key, values));
        await deps.lists.upsert(actor, params.slug, input);
        req.session.notice = { key: 'adminLists.saved', values: { slug: params.slug } };
        return { redirect: '/console/admin/lists' };
      },
      invalid: ({ lang, params }, problems, values) => editView(lang, params.slug, problems, values),
    }),
    definePage({
      method: 'post',
      path: '/console/admin/lists/:slug/disabled',
      permission: 'admin.bureaux',
      params: slugParams,
      form: disableForm,
      handler: async ({ actor, params, form, req }) => {
        const disable = form.disabled === 'true';
        try {
          await deps.lists.setDisabled(actor, params.slug, disable);
          req.session.notice = {
            key: disable ? 'adminLists.disabled' : 'adminLists.enabled',
            values: { slug: params.slug },
          };
        } catch (err) {
          if (!(err instanceof ConflictError && err.code === 'list_in_use')) throw err;
          req.session.notice = { key: 'adminLists.inUse', values: {} };
        }
        return { redirect: '/console/admin/lists' };
      },
    }),
  ];
}
