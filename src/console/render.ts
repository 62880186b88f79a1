import type { Request, Response } from 'express';
import { LANGUAGES, type Language } from '../accounts/index.js';
import { roleHas, type Permission, type Role } from '../auth/index.js';
import { currentContext } from '../platform/index.js';
import type { Translator } from './i18n.js';
import { safeReturnPath, type ConsoleLocals, type PageProblem, type PageView } from './page.js';
import type { ViewEngine } from './view-engine.js';

/**
 * The console's navigation: a link shows only to roles that hold its permission, and, where `roles`
 * is given, only to those roles (the bureau portal's links are for reporters, though responders also
 * hold `incident.create` for the API).
 */
interface NavItem {
  href: string;
  label: string;
  permission?: Permission;
  roles?: readonly Role[];
}
const PORTAL: readonly Role[] = ['reporter'];
const NAV: readonly NavItem[] = [
  { href: '/console', label: 'nav.home' },
  { href: '/console/report', label: 'portal.report.title', permission: 'incident.create', roles: PORTAL },
  { href: '/console/my-incidents', label: 'portal.list.title', permission: 'incident.create', roles: PORTAL },
  { href: '/console/advisories', label: 'organisation.advisories.nav', permission: 'advisory.read_own' },
  { href: '/console/organisation', label: 'organisation.nav', permission: 'bureau.contacts', roles: PORTAL },
  { href: '/console/queues', label: 'queues.title', permission: 'queue.read' },
  { href: '/console/work', label: 'work.title', permission: 'queue.read' },
  { href: '/console/advisories/drafts', label: 'advisoryDesk.nav', permission: 'advisory.read' },
  { href: '/console/audit', label: 'auditTrail.title', permission: 'audit.verify' },
  { href: '/console/admin/bureaux', label: 'admin.bureauxTitle', permission: 'admin.bureaux' },
  { href: '/console/admin/users', label: 'admin.usersTitle', permission: 'admin.users' },
  { href: '/console/admin/keys', label: 'adminKeys.title', permission: 'admin.keys' },
  { href: '/console/admin/lists', label: 'adminLists.title', permission: 'admin.bureaux' },
  { href: '/console/admin/policy', label: 'adminPolicy.title', permission: 'policy.manage' },
  { href: '/console/admin/queues', label: 'adminQueues.title', permission: 'admin.queues' },
  { href: '/console/account', label: 'nav.account' },
];

export type Renderer = (req: Request, res: Response, view: PageView) => void;

/**
 * Renders a page view inside the layout: the layout's data (`page`) is built here, once, from the
 * request: language, title, the signed-in person, navigation, the CSRF token for the forms every page
 * carries (language, sign-out), a one-time notice, and the request id for support.
 */
export function createRenderer(
  views: ViewEngine,
  translator: Translator,
  csrfToken: (req: Request) => string | null,
): Renderer {
  return (req, res, view) => {
    const locals = (res.locals.console as ConsoleLocals | undefined) ?? {
      person: null,
      actor: null,
      lang: 'en',
    };
    const { person, lang } = locals;
    const t = (key: string, values?: Record<string, unknown>): string => translator.t(lang, key, values);
    const notice = (req.session as Partial<typeof req.session> | undefined)?.notice;
    if (notice) delete req.session.notice;
    const path = req.path;
    const page = {
      lang,
      title: t(view.title, view.titleValues),
      user: person ? { name: person.name, role: t(`roles.${person.role}`) } : null,
      nav: person
        ? NAV.filter(
            (item) =>
              (!item.permission || roleHas(person.role, item.permission)) &&
              (!item.roles || item.roles.includes(person.role)),
          ).map((item) => ({
            href: item.href,
            label: item.label,
            current: item.href === path,
          }))
        : [],
      csrfToken: csrfToken(req),
      back: safeReturnPath(req.method === 'GET' ? req.originalUrl : path),
      languages: LANGUAGES.map((code) => ({ code, label: t(`languages.${code}`), current: code === lang })),
      notice: notice ? t(notice.key, notice.values) : null,
      requestId: currentContext()?.requestId ?? null,
    };
    res
      .status(view.status ?? 200)
      .type('html')
      .send(views.render(view.view, { page, ...view.data }));
  };
}

/** A form's state for its template: every field's value and error (null when none), and the summary. */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string | null>;
  errorList: Array<{ field: string; text: string }>;
}

/**
 * Builds the state of a form with `fields` from submitted `values` and `problems` (translated here;
 * a problem on a field the form does not show goes to the summary only). Strict templates need every
 * field present, so each gets an empty value and a null error by default.
 */
export function formState(
  translator: Translator,
  lang: Language,
  fields: readonly string[],
  problems: readonly PageProblem[] = [],
  values: Record<string, string> = {},
): FormState {
  const text = (problem: PageProblem): string =>
    translator.has(problem.message) ? translator.t(lang, problem.message, problem.values) : problem.message;
  const errors: Record<string, string | null> = Object.fromEntries(fields.map((field) => [field, null]));
  for (const problem of problems)
    if (problem.field in errors && !errors[problem.field]) errors[problem.field] = text(problem);
  return {
    values: Object.fromEntries(fields.map((field) => [field, values[field] ?? ''])),
    errors,
    errorList: problems.map((problem) => ({
      field: problem.field in errors ? problem.field : 'main',
      text: text(problem),
    })),
  };
}
