import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import {
  bureauCodeSchema,
  bureauContactsSchema,
  contactsStanding,
  CONTACTS_CONFIRM_DAYS,
  ROUND_THE_CLOCK_REQUIRED,
  type Actor,
  type Bureau,
  type BureauContact,
  type BureauService,
} from '../../auth/index.js';
import type { Translator } from '../i18n.js';
import { definePage, pageProblems, type AnyPage, type PageProblem, type PageView } from '../page.js';

export interface PortalOrganisationDeps {
  /** The auth module's bureau service: it decides who may see and change which bureau's contacts. */
  bureaux: Pick<BureauService, 'organisation' | 'updateContacts' | 'confirmContacts'>;
  translator: Translator;
}

/** The contact fields of one form row (`name0`, `email0`...), in the order the form shows them. */
const FIELDS = ['name', 'role', 'email', 'phone'] as const;
type Field = (typeof FIELDS)[number];
/** Blank rows offered for new contacts below the bureau's own. */
const BLANK_ROWS = 2;
/** The schema's 20 contacts plus the blank rows: a form never has more. */
const MAX_ROWS = 20 + BLANK_ROWS;

const codeParams = z.object({ code: bureauCodeSchema });
// `rows` says how many rows the form had: without it, a bare post would read as "no contacts".
const contactsForm = z.object({ rows: z.string().regex(/^\d{1,2}$/) }).catchall(z.string().max(1000));
const confirmForm = z.strictObject({});

/** One row of the contacts form as typed: its position on the form and its values. */
interface Row {
  index: number;
  values: Record<Field, string>;
  roundTheClock: boolean;
}

function rowsOf(values: Readonly<Record<string, string | undefined>>): Row[] {
  const count = Math.min(Number.parseInt(values.rows ?? '0', 10) || 0, MAX_ROWS);
  return Array.from({ length: count }, (_, index) => ({
    index,
    values: Object.fromEntries(FIELDS.map((f) => [f, (values[`${f}${index}`] ?? '').trim()])) as Record<
      Field,
      string
    >,
    roundTheClock: values[`rtc${index}`] === 'yes',
  }));
}

const isBlank = (row: Row): boolean => FIELDS.every((f) => row.values[f] === '') && !row.roundTheClock;

const contactOf = (row: Row): BureauContact => ({
  name: row.values.name,
  email: row.values.email,
  role: row.values.role,
  ...(row.values.phone ? { phone: row.values.phone } : {}),
  ...(row.roundTheClock ? { roundTheClock: true } : {}),
});

/**
 * The typed rows as contacts (blank rows dropped), or the problems with them named by the form's
 * field ids (`c2-email`), checked with the same schema the bureau service checks.
 */
function parseRows(rows: Row[]): { contacts: BureauContact[] } | { problems: PageProblem[] } {
  const kept = rows.filter((row) => !isBlank(row));
  const parsed = bureauContactsSchema.safeParse({ contacts: kept.map(contactOf) });
  if (parsed.success) return { contacts: parsed.data.contacts };
  const problems = pageProblems(parsed.error.issues).map((problem, i): PageProblem => {
    const path = parsed.error.issues[i]?.path ?? [];
    const row = typeof path[1] === 'number' ? kept[path[1]] : undefined;
    const field = path[2];
    if (!row || typeof field !== 'string') {
      return { field: 'contacts', message: 'organisation.errors.tooMany', values: { maximum: 20 } };
    }
    if (field === 'phone') {
      const message =
        row.values.phone === '' ? 'organisation.errors.phoneNeeded' : 'organisation.errors.phone';
      return { field: `c${row.index}-phone`, message };
    }
    return { ...problem, field: `c${row.index}-${field}` };
  });
  return { problems };
}

/** The form's rows from the bureau as stored, with blank rows for new contacts. */
function storedRows(bureau: Bureau): Row[] {
  const rows: Row[] = bureau.contacts.map((c, index) => ({
    index,
    values: { name: c.name, role: c.role, email: c.email, phone: c.phone ?? '' },
    roundTheClock: c.roundTheClock === true,
  }));
  for (let i = 0; i < BLANK_ROWS; i++) {
    rows.push({
      index: rows.length,
      values: { name: '', role: '', email: '', phone: '' },
      roundTheClock: false,
    });
  }
  return rows;
}

/**
 * "My organisation": the bureau's details and contacts, whether it has the two round-the-clock
 * contacts G3 18.1 asks for, when the contacts were last confirmed (a reminder after 180 days), a
 * confirm action and a form to change them. The bureau service scopes it: a reporter reaches their own
 * bureau only (another code is the 404 page), an administrator any bureau; every change is audited there.
 */
export function portalOrganisationPages(deps: PortalOrganisationDeps): AnyPage[] {
  const { translator } = deps;
  const show = async (
    actor: Actor,
    code: string,
    lang: Language,
    problems: readonly PageProblem[] = [],
    typed?: Row[],
  ): Promise<PageView> => {
    const t = (key: string, values?: Record<string, unknown>) => translator.t(lang, key, values);
    const text = (p: PageProblem) => (translator.has(p.message) ? t(p.message, p.values) : p.message);
    const bureau = await deps.bureaux.organisation(actor, code);
    const standing = contactsStanding(bureau);
    const errors = new Map<string, string>();
    for (const problem of problems) if (!errors.has(problem.field)) errors.set(problem.field, text(problem));
    const rows = (typed ?? storedRows(bureau)).map((row) => ({
      index: row.index,
      legend:
        row.index < bureau.contacts.length
          ? t('organisation.contactLegend', { n: row.index + 1 })
          : t('organisation.newContactLegend', { n: row.index + 1 - bureau.contacts.length }),
      fields: Object.fromEntries(
        FIELDS.map((f) => {
          const id = `c${row.index}-${f}`;
          return [f, { id, name: `${f}${row.index}`, value: row.values[f], error: errors.get(id) ?? null }];
        }),
      ),
      rtcId: `c${row.index}-rtc`,
      rtcName: `rtc${row.index}`,
      roundTheClock: row.roundTheClock,
    }));
    const own = actor.bureauId === bureau.code;
    return {
      view: 'portal/organisation',
      title: own ? 'organisation.title' : 'organisation.titleOf',
      titleValues: { name: bureau.name },
      ...(problems.length > 0 ? { status: 422 } : {}),
      data: {
        own,
        bureau: {
          code: bureau.code,
          name: bureau.name,
          regimes: bureau.regimes.join(', '),
          active: bureau.active,
        },
        contacts: bureau.contacts.map((c) => ({
          name: c.name,
          role: c.role,
          email: c.email,
          phone: c.phone ?? null,
          roundTheClock: c.roundTheClock === true,
        })),
        standing: {
          count: standing.roundTheClock,
          required: ROUND_THE_CLOCK_REQUIRED,
          met: standing.meetsRoundTheClock,
          missing: Math.max(0, ROUND_THE_CLOCK_REQUIRED - standing.roundTheClock),
          confirmationDue: standing.confirmationDue,
          days: CONTACTS_CONFIRM_DAYS,
        },
        confirmed: bureau.contactsConfirmedAt
          ? { at: bureau.contactsConfirmedAt, by: bureau.contactsConfirmedBy?.name ?? '' }
          : null,
        edit: { rows, count: rows.length },
        form: {
          // Each links to its field; a problem with the list as a whole, to the form's heading.
          errorList: problems.map((p) => ({
            field: /^c\d+-(name|role|email|phone)$/.test(p.field) ? p.field : 'contacts-edit',
            text: text(p),
          })),
        },
      },
    };
  };
  const home = (actor: Actor, code: string) =>
    actor.bureauId === code ? '/console/organisation' : `/console/organisation/${code}`;
  return [
    definePage({
      method: 'get',
      path: '/console/organisation',
      permission: 'bureau.contacts',
      handler: ({ actor, lang }) =>
        // Administrators have no bureau of their own: they choose one from the bureaux list.
        actor.bureauId ? show(actor, actor.bureauId, lang) : { redirect: '/console/admin/bureaux' },
    }),
    definePage({
      method: 'get',
      path: '/console/organisation/:code',
      permission: 'bureau.contacts',
      params: codeParams,
      handler: ({ actor, params: { code }, lang }) => show(actor, code, lang),
    }),
    definePage({
      method: 'post',
      path: '/console/organisation/:code/contacts',
      permission: 'bureau.contacts',
      params: codeParams,
      form: contactsForm,
      invalid: ({ actor, params: { code }, lang }, problems, values) =>
        show(actor, code, lang, problems, rowsOf(values)),
      handler: async ({ actor, params: { code }, form, lang, req }) => {
        const rows = rowsOf(form);
        const parsed = parseRows(rows);
        if ('problems' in parsed) return show(actor, code, lang, parsed.problems, rows);
        const before = await deps.bureaux.organisation(actor, code);
        const after = await deps.bureaux.updateContacts(actor, code, { contacts: parsed.contacts });
        const changed = after.contactsConfirmedAt?.getTime() !== before.contactsConfirmedAt?.getTime();
        req.session.notice = { key: changed ? 'organisation.saved' : 'organisation.unchanged' };
        return { redirect: home(actor, code) };
      },
    }),
    definePage({
      method: 'post',
      path: '/console/organisation/:code/confirm',
      permission: 'bureau.contacts',
      params: codeParams,
      form: confirmForm,
      handler: async ({ actor, params: { code }, req }) => {
        await deps.bureaux.confirmContacts(actor, code);
        req.session.notice = { key: 'organisation.confirmed' };
        return { redirect: home(actor, code) };
      },
    }),
  ];
}
