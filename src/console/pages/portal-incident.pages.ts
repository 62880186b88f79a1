import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import type { Actor } from '../../auth/index.js';
import { incidentUpdateSchema, type IncidentService } from '../../incidents/index.js';
import type { WorkflowServices } from '../../workflow/index.js';
import type { Translator } from '../i18n.js';
import { definePage, pageProblems, type AnyPage, type PageProblem, type PageView } from '../page.js';
import { threadSection, type ThreadSource } from './messages.pages.js';
import type { IncidentSection } from './incident-sections.js';
import { bureauClocks, clockState } from './portal-deadlines.js';
import { clockName } from './clock-name.js';
import { hongKongTime } from './portal-report.form.js';

export interface PortalIncidentDeps {
  incidents: Pick<IncidentService, 'get' | 'addUpdate'>;
  workflow: Pick<WorkflowServices, 'writer' | 'scope' | 'timeline'>;
  translator: Translator;
  messages?: ThreadSource;
  /** "Reports we owe": the staged reports' own section (staged-reports.pages.ts). */
  stagedReports?: IncidentSection;
}

const params = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });
const RECOVERABILITY = ['regular', 'supplemented', 'extended', 'not_recoverable', 'unknown'] as const;
const updateForm = z.object({
  note: z.string().trim().min(1).max(5000),
  containedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  recoverability: z.string().optional(),
});
const UPDATE_FIELDS = ['note', 'containedAt', 'resolvedAt', 'recoverability'] as const;

/**
 * The bureau's incident page: the facts, the history as the bureau may see it (the workflow's bureau
 * timeline), the reports the bureau owes with their due times (the staged reports' table with its
 * forms, then any deadline of the bureau's that is not a staged report), and a follow-up form. Everything goes
 * through the same services as the API, scoped to the reporter's bureau: another bureau's id is a 404.
 */
export function portalIncidentPage(deps: PortalIncidentDeps): AnyPage[] {
  const { translator } = deps;
  const show = async (
    actor: Actor,
    id: string,
    lang: Language,
    problems: readonly PageProblem[] = [],
    values: Readonly<Partial<Record<string, string>>> = {},
  ): Promise<PageView> => {
    const t = (key: string, v?: Record<string, unknown>) => translator.t(lang, key, v);
    const incident = await deps.incidents.get(actor, id);
    const workflow = await deps.workflow.writer.read(deps.workflow.scope(actor), id);
    const timeline = await deps.workflow.timeline.timeline(actor, id);
    const thread = deps.messages ? await threadSection(deps.messages, translator, lang, actor, id) : null;
    const stagedReports = deps.stagedReports
      ? await deps.stagedReports({ actor, incidentId: id, lang, translator })
      : null;
    // A report the staged reports' table lists (with its form) is not listed again as a bare deadline.
    const staged = new Set(Array.isArray(stagedReports?.obligations) ? stagedReports.obligations : []);
    const facts = incident.facts as { title?: unknown; description?: unknown; category?: unknown };
    const errors = Object.fromEntries(UPDATE_FIELDS.map((f) => [f, null as string | null]));
    for (const problem of problems) {
      const field = problem.field.replace(/^times\./, '');
      if (field in errors && !errors[field]) {
        errors[field] = translator.has(problem.message)
          ? t(problem.message, problem.values)
          : field.endsWith('At')
            ? t('portal.validation.timeRefused')
            : problem.message;
      }
    }
    const actionKey = (action: string, kind: string, data: Record<string, unknown>) => {
      // A message's line says which way it went (the text stays in the thread below).
      const name = action === 'incident.message_posted' ? `message.${String(data.side)}` : action;
      const key = `portal.incident.actions.${kind === 'update' ? 'update' : name}`;
      return translator.has(key) ? key : 'portal.incident.actions.other';
    };
    /** A staged report's line names the report and its version, and the comment sent back with it. */
    const textOf = (entry: (typeof timeline)[number]): string | null => {
      if (!entry.action.startsWith('staged_report.') || typeof entry.data.report !== 'string')
        return entry.text;
      // The timeline names the report in English (the API's word); the page names it in its language.
      const clock = workflow.clocks.find((c) => c.obligation === entry.data.obligation);
      const values = {
        report: clock ? clockName(clock, lang) : entry.data.report,
        version: entry.data.version,
      };
      return typeof entry.data.comment === 'string' && entry.data.comment !== ''
        ? t('portal.incident.reportComment', { ...values, comment: entry.data.comment })
        : t('portal.incident.reportVersion', values);
    };
    return {
      view: 'portal/incident',
      title: 'portal.incident.title',
      titleValues: { ref: incident.ref },
      ...(problems.length > 0 ? { status: 422 } : {}),
      data: {
        incident: {
          id: incident.id,
          ref: incident.ref,
          title: typeof facts.title === 'string' ? facts.title : incident.ref,
          description: typeof facts.description === 'string' ? facts.description : '',
          category: typeof facts.category === 'string' ? t(`portal.report.categories.${facts.category}`) : '',
          status: t(`portal.statuses.${incident.status}`),
          severity: incident.severity ?? t('portal.list.notTriaged'),
          tlp: incident.tlp,
          reportedAt: incident.reportedAt,
          indicators: incident.indicators.map((i) => ({ type: i.type, value: i.value })),
        },
        obligations: bureauClocks(workflow.clocks)
          .filter((clock) => !staged.has(clock.obligation))
          .map((clock) => ({
            name: clockName(clock, lang),
            dueAt: clock.dueAt ?? null,
            stateKey: `portal.clock.states.${clockState(clock)}`,
          })),
        thread,
        stagedReports,
        history: timeline.map((entry) => ({
          at: entry.at,
          what: t(actionKey(entry.action, entry.kind, entry.data)),
          who: entry.by ? entry.by.name : t('portal.incident.cert'),
          text: textOf(entry),
        })),
        update: {
          values: Object.fromEntries(UPDATE_FIELDS.map((f) => [f, values[f] ?? ''])),
          errors,
          recoverability: [
            { value: '', label: t('portal.incident.unchanged'), selected: !values.recoverability },
            ...RECOVERABILITY.map((r) => ({
              value: r,
              label: t(r === 'unknown' ? 'portal.report.unknown' : `portal.report.recoverability.${r}`),
              selected: values.recoverability === r,
            })),
          ],
        },
        form: {
          errorList: Object.entries(errors)
            .filter((entry): entry is [string, string] => entry[1] !== null)
            .map(([field, text]) => ({ field: `update-${field}`, text })),
        },
      },
    };
  };
  return [
    definePage({
      method: 'get',
      path: '/console/my-incidents/:id',
      permission: 'incident.create',
      params,
      handler: ({ actor, params: { id }, lang }) => show(actor, id, lang),
    }),
    definePage({
      method: 'post',
      path: '/console/my-incidents/:id/updates',
      permission: 'incident.update',
      params,
      form: updateForm,
      invalid: ({ actor, params: { id }, lang }, problems, values) => show(actor, id, lang, problems, values),
      handler: async ({ actor, params: { id }, form, lang, req }) => {
        const times = Object.fromEntries(
          (['containedAt', 'resolvedAt'] as const)
            .filter((f) => form[f] !== undefined && form[f].trim() !== '')
            .map((f) => [f, hongKongTime(form[f]?.trim() ?? '')] as const),
        );
        const body = {
          note: form.note,
          ...(Object.keys(times).length > 0 ? { times } : {}),
          ...(form.recoverability ? { recoverability: form.recoverability } : {}),
        };
        const parsed = incidentUpdateSchema.safeParse(body);
        if (!parsed.success) {
          const issues = parsed.error.issues;
          const problems = pageProblems(issues).map((p, i) => {
            if (!p.field.startsWith('times.')) return p;
            const future = issues[i]?.message === 'must not be in the future';
            return { ...p, message: future ? 'portal.validation.future' : 'portal.validation.time' };
          });
          return show(actor, id, lang, problems, form);
        }
        await deps.incidents.addUpdate(actor, id, parsed.data);
        req.session.notice = { key: 'portal.incident.sent' };
        return { redirect: `/console/my-incidents/${id}` };
      },
    }),
  ];
}
