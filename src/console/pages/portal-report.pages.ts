import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import type { Actor } from '../../auth/index.js';
import type { IncidentIntakeService } from '../../incidents/index.js';
import type { WorkflowServices } from '../../workflow/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage, type PageProblem, type PageView } from '../page.js';
import { bureauClocks, clockState } from './portal-deadlines.js';
import { clockName } from './clock-name.js';
import { REPORT_FIELD_NAMES, REPORT_STEPS, parseReportForm, type ReportField } from './portal-report.form.js';

export interface PortalReportDeps {
  intake: Pick<IncidentIntakeService, 'create'>;
  workflow: Pick<WorkflowServices, 'writer' | 'scope' | 'obligations'>;
  translator: Translator;
}

const idParams = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });
const sentQuery = z.object({ giro: z.iso.datetime().optional() });
/** The form arrives flat (`times.awareAt=...`); the report schema checks it once it is shaped. */
const flatForm = z.record(z.string(), z.string());

/** The obligation a phone call to GIRO-SO meets (the HK-GOV initial-report clock). */
const GIRO_PHONE_OBLIGATION = 'report.giro.initial';

/**
 * The bureau reports an incident: one page in four steps, every field of the API's report with its
 * help text, then a page with the reference number, what happens next and the bureau's clocks.
 */
export function portalReportPages(deps: PortalReportDeps): AnyPage[] {
  const { translator } = deps;
  const view = (
    lang: Language,
    problems: readonly PageProblem[],
    values: Record<string, string>,
    status?: number,
  ): PageView => ({
    view: 'portal/report',
    title: 'portal.report.title',
    data: reportData(translator, lang, problems, values),
    ...(status ? { status } : {}),
  });
  return [
    definePage({
      method: 'get',
      path: '/console/report',
      permission: 'incident.create',
      handler: ({ lang, person }) =>
        view(lang, [], { 'reporter.name': person.name, 'reporter.email': person.email }),
    }),
    definePage({
      method: 'post',
      path: '/console/report',
      permission: 'incident.create',
      form: flatForm,
      invalid: ({ lang }, problems, values) => view(lang, problems, values),
      handler: async ({ actor, form, lang }) => {
        const parsed = parseReportForm(form);
        if (!parsed.ok) return view(lang, parsed.problems, form, 422);
        const { input, giroPhonedAt } = parsed.value;
        // The key the form was drawn with: a second click or a resent form files the report once.
        const key = form.requestKey && /^[0-9a-f-]{36}$/.test(form.requestKey) ? form.requestKey : undefined;
        const incident = await deps.intake.create(actor, input, key);
        if (giroPhonedAt) await recordPhoneReport(deps, actor, incident.id, giroPhonedAt);
        const giro = giroPhonedAt ? `?giro=${encodeURIComponent(giroPhonedAt.toISOString())}` : '';
        return { redirect: `/console/report/${incident.id}/sent${giro}` };
      },
    }),
    definePage({
      method: 'get',
      path: '/console/report/:id/sent',
      permission: 'incident.read',
      params: idParams,
      query: sentQuery,
      handler: async ({ actor, params: { id }, query, lang }) => {
        const incident = await deps.workflow.writer.read(deps.workflow.scope(actor), id);
        const clocks = bureauClocks(incident.clocks).map((clock) => ({
          name: clockName(clock, lang),
          dueAt: clock.dueAt ?? null,
          stateKey: `portal.clock.states.${clockState(clock)}`,
        }));
        return {
          view: 'portal/report-sent',
          title: 'portal.sent.title',
          titleValues: { ref: incident.ref },
          data: {
            incident: { id: incident.id, ref: incident.ref },
            assessing: incident.triagedAt === null,
            clocks,
            giroAt: query.giro ?? null,
          },
        };
      },
    }),
  ];
}

/** The phone call to GIRO-SO meets the initial-report clock (recorded as the API's obligation is). */
async function recordPhoneReport(deps: PortalReportDeps, actor: Actor, id: string, at: Date): Promise<void> {
  const incident = await deps.workflow.writer.read(deps.workflow.scope(actor), id);
  await deps.workflow.obligations.record(actor, id, incident.revision, {
    obligation: GIRO_PHONE_OBLIGATION,
    at,
    note: 'Reported by phone before the written report (portal).',
  });
}

/** Every step's fields with label, hint, value, choices and error, as the strict template needs them. */
function reportData(
  translator: Translator,
  lang: Language,
  problems: readonly PageProblem[],
  values: Readonly<Partial<Record<string, string>>>,
): Record<string, unknown> {
  const t = (key: string, v?: Record<string, unknown>) => translator.t(lang, key, v);
  const errors = new Map<string, string>();
  for (const problem of problems) {
    const field = problem.field;
    if (errors.has(field)) continue;
    // The service's own time checks speak English; the form says the same in the page's language.
    const known = translator.has(problem.message);
    errors.set(
      field,
      known
        ? t(problem.message, problem.values)
        : field.startsWith('times.') && REPORT_FIELD_NAMES.includes(field)
          ? t('portal.validation.timeRefused')
          : problem.message,
    );
  }
  const field = (f: ReportField) => ({
    name: f.name,
    kind: f.kind,
    label: t(`portal.report.fields.${f.name}`),
    hint: t(`portal.report.hints.${f.name}`),
    required: f.required ?? false,
    autocomplete: f.autocomplete ?? 'off',
    value: values[f.name] ?? '',
    error: errors.get(f.name) ?? null,
    options: [
      { value: '', label: t('portal.report.choose'), selected: !values[f.name] },
      ...(f.options ?? []).map((o) => ({
        value: o.value,
        label: t(o.label),
        selected: values[f.name] === o.value,
      })),
    ],
    boxes: (f.boxes ?? []).map((b) => ({
      name: b.name,
      label: translator.has(b.label) ? t(b.label) : b.label,
      checked: values[b.name] !== undefined && values[b.name] !== '',
    })),
  });
  return {
    requestKey:
      values.requestKey && /^[0-9a-f-]{36}$/.test(values.requestKey) ? values.requestKey : randomUUID(),
    steps: REPORT_STEPS.map((step, i) => ({
      heading: t('portal.report.step', { n: i + 1, name: t(`portal.report.steps.${step.key}`) }),
      fields: step.fields.map(field),
    })),
    form: { errorList: [...errors].map(([name, text]) => ({ field: name, text })) },
  };
}
