import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import type { Actor } from '../../auth/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/index.js';
import {
  reviewBody,
  submissionBody,
  type OwedReport,
  type ReportedIncident,
  type StagedReport,
  type StagedReportService,
} from '../../staged-reports/index.js';
import type { Translator } from '../i18n.js';
import { definePage, pageProblems, type AnyPage, type PageProblem, type PageView } from '../page.js';
import { formState } from '../render.js';
import { clockName } from './clock-name.js';
import type { IncidentSection } from './incident-sections.js';
import { hongKongTime } from './portal-report.form.js';

/** What the staged reports' pages and sections call: the staged reports service (its module's index.ts). */
export interface StagedReportPageDeps {
  reports: Pick<StagedReportService, 'list' | 'get' | 'submit' | 'review'>;
  translator: Translator;
}

const objectId = z.string().regex(/^[0-9a-f]{24}$/);
const formParams = z.object({
  id: objectId,
  obligation: z
    .string()
    .max(100)
    .regex(/^report(?:[.-][a-z0-9]+)+$/),
});
const formQuery = z.object({ occurrence: z.coerce.number().int().min(0).max(10_000).optional() });
const DECISIONS = { start: 'under_review', accept: 'accepted', revise: 'revision_requested' } as const;
const reviewParams = z.object({
  id: objectId,
  reportId: objectId,
  decision: z.enum(['start', 'accept', 'revise']),
});
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(blankToUndefined, z.string().optional());

/** The report form as posted: strings only; the API's schema checks them after. */
const reportForm = z.object({
  occurrence: z.coerce.number().int().min(0).max(10_000),
  whatHappened: z.string(),
  impact: z.string(),
  actionsTaken: z.string(),
  nextSteps: optionalText,
  rootCause: optionalText,
  lessonsLearnt: optionalText,
  reportedAt: optionalText,
  reference: optionalText,
});
const reviewForm = z.object({ comment: optionalText });

const REPORT_FIELDS = [
  'whatHappened',
  'impact',
  'actionsTaken',
  'nextSteps',
  'rootCause',
  'lessonsLearnt',
  'reportedAt',
  'reference',
] as const;
const CONTENT_FIELDS = [
  'whatHappened',
  'impact',
  'actionsTaken',
  'nextSteps',
  'rootCause',
  'lessonsLearnt',
] as const;

type T = (key: string, values?: Record<string, unknown>) => string;

/** A row's name, with its number when the report repeats (interim reports). */
const numberOf = (t: T, row: OwedReport): string | null =>
  row.repeats ? t('staged.number', { n: row.occurrence + 1 }) : null;

const lastOf = (row: OwedReport): StagedReport | null => row.versions.at(-1) ?? null;

/** One version as both sides read it: what was written, when, by whom, and the CERT's decision. */
function versionView(t: T, report: StagedReport, latest: boolean, canReview: boolean) {
  return {
    id: report.id,
    incidentId: report.incidentId,
    version: report.version,
    submittedAt: report.submittedAt,
    sentBy: t('staged.form.sentBy', { name: report.submittedBy.name }),
    fields: CONTENT_FIELDS.filter((field) => report[field] !== null).map((field) => ({
      label: t(`staged.form.${field}`),
      text: report[field] ?? '',
    })),
    reportedAt: report.reportedAt,
    reference: report.reference,
    clock: t(
      report.clock.late
        ? 'staged.review.clockMetLate'
        : report.clock.metByThisReport || report.version > 1
          ? 'staged.review.clockMet'
          : 'staged.review.clockMetBefore',
    ),
    state: t(`staged.statuses.${report.state}`),
    review: report.review
      ? {
          at: report.review.at,
          text: t('staged.form.reviewedBy', {
            state: t(`staged.statuses.${report.review.state}`),
            name: report.review.by.name,
          }),
          comment: report.review.comment,
        }
      : null,
    latest,
    start: latest && canReview && report.state === 'submitted',
    decide: latest && canReview && (report.state === 'submitted' || report.state === 'under_review'),
    values: { acceptComment: '', revisionComment: '' },
    errors: { acceptComment: null as string | null, revisionComment: null as string | null },
  };
}

/** The link a bureau follows from its list: write, revise, send a written version, or see what was sent. */
function linkOf(t: T, incidentId: string, row: OwedReport): { href: string; text: string } | null {
  const href = `/console/my-incidents/${incidentId}/reports/${row.obligation}?occurrence=${row.occurrence}`;
  if (row.open) {
    const key =
      row.status === 'revision_requested'
        ? 'staged.owed.revise'
        : row.status === 'recorded'
          ? 'staged.owed.writeAfterPhone'
          : 'staged.owed.write';
    return { href, text: t(key) };
  }
  return row.versions.length > 0 ? { href, text: t('staged.owed.view') } : null;
}

function rowHeader(t: T, lang: Language, row: OwedReport) {
  return {
    name: clockName(row, lang),
    number: numberOf(t, row),
    dueAt: row.dueAt,
    status: t(`staged.statuses.${row.status}`),
    overdue: row.status === 'overdue',
    late: row.late,
  };
}

/**
 * The two sections this area adds to the incident pages: "Reports we owe" on the bureau's page (its
 * data as `stagedReports`, shown by `partials/staged-reports/owed`), and "Bureau reports" with the
 * review forms on the CERT's (`bureauReports`, `partials/staged-reports/bureau-reports`).
 */
export function stagedReportSections(deps: Pick<StagedReportPageDeps, 'reports'>): {
  portal: IncidentSection;
  work: IncidentSection;
} {
  return {
    portal: async ({ actor, incidentId, lang, translator }) => {
      const t: T = (key, v) => translator.t(lang, key, v);
      const { items } = await deps.reports.list(actor, incidentId);
      return {
        // The incident page leaves these out of its own deadlines: each is a row here, with its form.
        obligations: [...new Set(items.map((row) => row.obligation))],
        rows: items.map((row) => ({
          ...rowHeader(t, lang, row),
          comment: row.status === 'revision_requested' ? (lastOf(row)?.review?.comment ?? null) : null,
          link: linkOf(t, incidentId, row),
        })),
      };
    },
    work: async ({ actor, incidentId, lang, translator }) => {
      const t: T = (key, v) => translator.t(lang, key, v);
      const { items } = await deps.reports.list(actor, incidentId);
      const canReview = mayReview(actor);
      return {
        rows: items.map((row) => ({
          ...rowHeader(t, lang, row),
          versions: row.versions.map((v, i) => versionView(t, v, i === row.versions.length - 1, canReview)),
        })),
      };
    },
  };
}

const mayReview = (actor: Actor): boolean => actor.role === 'responder' || actor.role === 'lead';

/**
 * The staged reports' own pages: the bureau's report form (`/console/my-incidents/:id/reports/:obligation`,
 * one per report owed, with the versions sent and GovCERT's comment), and the CERT's review actions
 * posted from the incident's work page (a missing comment or a review someone else made first shows
 * the report on a page of its own, with the error next to its field).
 */
export function stagedReportPages(deps: StagedReportPageDeps): AnyPage[] {
  const { translator } = deps;

  async function showForm(
    actor: Actor,
    lang: Language,
    incidentId: string,
    obligation: string,
    occurrence: number | undefined,
    problems: readonly PageProblem[] = [],
    values: Record<string, string> = {},
    banner: string | null = null,
    status = 200,
  ): Promise<PageView> {
    const t: T = (key, v) => translator.t(lang, key, v);
    const { incident, items } = await deps.reports.list(actor, incidentId);
    const rows = items.filter((row) => row.obligation === obligation);
    const row = rows.find((r) => r.occurrence === occurrence) ?? rows.find((r) => r.open) ?? rows.at(-1);
    if (!row) throw new NotFoundError('Report owed');
    const last = lastOf(row);
    const revising = row.status === 'revision_requested' && last !== null;
    // A revision starts from the version sent back; the bureau changes what was asked for.
    const prefill: Record<string, string> =
      revising && Object.keys(values).length === 0
        ? Object.fromEntries(CONTENT_FIELDS.map((f) => [f, last[f] ?? '']))
        : values;
    const form = formState(translator, lang, REPORT_FIELDS, problems, prefill);
    const reporter = actor.role === 'reporter';
    return {
      view: 'staged-reports/form',
      title: 'staged.form.title',
      titleValues: { name: clockName(row, lang) },
      ...(problems.length > 0 ? { status: 422 } : { status }),
      data: {
        banner,
        incident: { id: incident.id, ref: incident.ref, title: incident.title },
        report: {
          ...rowHeader(t, lang, row),
          obligation: row.obligation,
          occurrence: row.occurrence,
          final: row.kind === 'final',
        },
        revision: revising ? { comment: last.review?.comment ?? t('staged.form.noComment') } : null,
        canSubmit: row.open && reporter,
        reporterOnly: row.open && !reporter,
        closed: !row.open,
        versions: row.versions
          .map((v, i) => versionView(t, v, i === row.versions.length - 1, false))
          .reverse(),
        textFields: textFields(t, row.kind === 'final', form),
        form,
      },
    };
  }

  async function showReview(
    actor: Actor,
    lang: Language,
    incidentId: string,
    reportId: string,
    status: number,
    banner: string | null,
    errors: { acceptComment: string | null; revisionComment: string | null },
    values: { acceptComment: string; revisionComment: string },
  ): Promise<PageView> {
    const t: T = (key, v) => translator.t(lang, key, v);
    const [report, { incident, items }] = await Promise.all([
      deps.reports.get(actor, incidentId, reportId),
      deps.reports.list(actor, incidentId),
    ]);
    const row = items.find((r) => r.obligation === report.obligation && r.occurrence === report.occurrence);
    if (!row) throw new NotFoundError('Staged report');
    const latest = lastOf(row)?.id === report.id;
    const version = { ...versionView(t, report, latest, mayReview(actor)), errors, values };
    const errorList = [
      ...(errors.revisionComment
        ? [{ field: `revision-comment-${report.id}`, text: errors.revisionComment }]
        : []),
      ...(errors.acceptComment ? [{ field: `accept-comment-${report.id}`, text: errors.acceptComment }] : []),
    ];
    return {
      view: 'staged-reports/review',
      title: 'staged.review.pageTitle',
      titleValues: { name: clockName(row, lang) },
      status,
      data: {
        banner,
        incident: reportedIncident(incident),
        report: rowHeader(t, lang, row),
        version,
        form: { errorList },
      },
    };
  }

  const emptyReview = { acceptComment: '', revisionComment: '' };
  const noErrors = { acceptComment: null, revisionComment: null };

  return [
    definePage({
      method: 'get',
      path: '/console/my-incidents/:id/reports/:obligation',
      permission: 'obligation.record',
      params: formParams,
      query: formQuery,
      handler: ({ actor, lang, params, query }) =>
        showForm(actor, lang, params.id, params.obligation, query.occurrence),
    }),
    definePage({
      method: 'post',
      path: '/console/my-incidents/:id/reports/:obligation',
      permission: 'obligation.record',
      params: formParams,
      form: reportForm,
      invalid: ({ actor, lang, params }, problems, values) =>
        showForm(
          actor,
          lang,
          params.id,
          params.obligation,
          numberOrUndefined(values.occurrence),
          problems,
          values,
        ),
      handler: async ({ actor, lang, params, form, req }) => {
        const again = (problems: PageProblem[], banner: string | null = null, status = 200) =>
          showForm(
            actor,
            lang,
            params.id,
            params.obligation,
            form.occurrence,
            problems,
            asValues(form),
            banner,
            status,
          );
        const parsed = submissionBody.safeParse({
          obligation: params.obligation,
          occurrence: form.occurrence,
          whatHappened: form.whatHappened,
          impact: form.impact,
          actionsTaken: form.actionsTaken,
          ...present(form, ['nextSteps', 'rootCause', 'lessonsLearnt', 'reference']),
          ...(form.reportedAt ? { reportedAt: hongKongTime(form.reportedAt.trim()) } : {}),
        });
        if (!parsed.success) return again(formProblems(parsed.error.issues));
        try {
          await deps.reports.submit(actor, params.id, parsed.data);
        } catch (err) {
          if (err instanceof ValidationError)
            return again(
              err.problems.map((p) => {
                const field = p.path.replace(/^body\./, '');
                const message =
                  field === 'rootCause' || field === 'lessonsLearnt'
                    ? 'staged.validation.finalRequired'
                    : field === 'reportedAt'
                      ? 'staged.validation.time'
                      : p.message;
                return { field, message };
              }),
            );
          if (err instanceof ConflictError && translator.has(`staged.conflict.${err.code}`))
            return again([], translator.t(lang, `staged.conflict.${err.code}`), 409);
          throw err;
        }
        req.session.notice = { key: 'staged.sent' };
        return { redirect: `/console/my-incidents/${params.id}` };
      },
    }),
    definePage({
      method: 'post',
      path: '/console/incidents/:id/reports/:reportId/:decision',
      permission: 'incident.work',
      params: reviewParams,
      form: reviewForm,
      handler: async ({ actor, lang, params, form, req }) => {
        const decision = DECISIONS[params.decision];
        const comment = form.comment?.trim();
        const revising = decision === 'revision_requested';
        const typed = form.comment ?? '';
        const values = revising
          ? { acceptComment: '', revisionComment: typed }
          : { acceptComment: typed, revisionComment: '' };
        const refuse = (message: string) =>
          showReview(
            actor,
            lang,
            params.id,
            params.reportId,
            422,
            null,
            revising
              ? { acceptComment: null, revisionComment: message }
              : { acceptComment: message, revisionComment: null },
            values,
          );
        // The API's own schema: a revision needs its comment, a comment has a length limit.
        const parsed = reviewBody.safeParse(
          decision === 'under_review' ? { decision } : { decision, ...(comment ? { comment } : {}) },
        );
        if (!parsed.success) {
          const [problem = { field: 'comment', message: 'validation.invalid' }] = pageProblems(
            parsed.error.issues,
          );
          return refuse(
            translator.has(problem.message)
              ? translator.t(lang, problem.message, problem.values)
              : problem.message,
          );
        }
        try {
          await deps.reports.review(actor, params.id, params.reportId, parsed.data);
        } catch (err) {
          if (err instanceof ConflictError && err.code === 'already_reviewed')
            return showReview(
              actor,
              lang,
              params.id,
              params.reportId,
              409,
              translator.t(lang, 'staged.conflict.already_reviewed'),
              noErrors,
              emptyReview,
            );
          throw err;
        }
        req.session.notice = { key: 'staged.review.reviewed' };
        return { redirect: `/console/incidents/${params.id}/work#bureau-reports` };
      },
    }),
  ];
}

/** The report's text areas in the order asked: a final report adds the root cause and lessons learnt. */
function textFields(t: T, final: boolean, form: ReturnType<typeof formState>) {
  const fields: Array<{ name: (typeof CONTENT_FIELDS)[number]; required: boolean; rows: number }> = [
    { name: 'whatHappened', required: true, rows: 5 },
    { name: 'impact', required: true, rows: 4 },
    { name: 'actionsTaken', required: true, rows: 4 },
    ...(final
      ? [
          { name: 'rootCause' as const, required: true, rows: 4 },
          { name: 'lessonsLearnt' as const, required: true, rows: 4 },
        ]
      : []),
    { name: 'nextSteps', required: false, rows: 3 },
  ];
  return fields.map((field) => ({
    ...field,
    label: t(`staged.form.${field.name}`),
    hint: t(`staged.form.${field.name}Hint`),
    value: form.values[field.name] ?? '',
    error: form.errors[field.name] ?? null,
  }));
}

function reportedIncident(incident: ReportedIncident) {
  return { id: incident.id, ref: incident.ref, title: incident.title };
}

function numberOrUndefined(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function asValues(form: z.output<typeof reportForm>): Record<string, string> {
  return Object.fromEntries(REPORT_FIELDS.map((f) => [f, form[f] ?? '']));
}

function present<K extends string>(
  form: Partial<Record<K, string | undefined>>,
  fields: readonly K[],
): Partial<Record<K, string>> {
  return Object.fromEntries(
    fields.filter((f) => form[f] !== undefined && form[f].trim() !== '').map((f) => [f, form[f]]),
  ) as Partial<Record<K, string>>;
}

/** The API schema's problems as the form's: a time typed wrong or in the future is said in words. */
function formProblems(issues: readonly z.core.$ZodIssue[]): PageProblem[] {
  return pageProblems(issues).map((p, i) => {
    if (p.field !== 'reportedAt') return p;
    const future = issues[i]?.message === 'must not be in the future';
    return { ...p, message: future ? 'staged.validation.future' : 'staged.validation.time' };
  });
}
