import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import { INCIDENT_STATUSES } from '../../incidents/index.js';
import { roleHas, type Actor, type User } from '../../auth/index.js';
import {
  ConflictError,
  ForbiddenError,
  PreconditionFailedError,
  ValidationError,
  PAP_LEVELS,
  TLP_LEVELS,
} from '../../platform/index.js';
import {
  type WorkflowIncident,
  type WorkflowServices,
  REVIEWED_SEVERITIES,
  allowedNext,
} from '../../workflow/index.js';
import { owedAtClose, recordableBy, startedClocks } from '../../clocks/index.js';
import type { DecisionReasonLookup } from '../../triage/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage, type PageProblem, type PageView } from '../page.js';
import { formState } from '../render.js';
import { clockName } from './clock-name.js';
import { countdown, countdownWords } from './countdown.js';
import { threadSection, type ThreadSource } from './messages.pages.js';
import type { IncidentSection } from './incident-sections.js';
import {
  historySection,
  markingChoices,
  matchesSection,
  mayReadHistory,
  type HistorySource,
  type MatchSource,
} from './incident-record.sections.js';

export interface WorkPageDeps {
  services: Pick<
    WorkflowServices,
    'writer' | 'workflow' | 'collaboration' | 'merge' | 'obligations' | 'timeline' | 'scope' | 'markings'
  >;
  /** CERT staff a lead may assign to. */
  users: { list(filter: { role?: 'responder' | 'lead' }): Promise<User[]> };
  translator: Translator;
  /** The incident's message thread with the bureau (the correspondence module's service). */
  messages?: ThreadSource;
  /** "Bureau reports" with their review forms (the staged reports' section). */
  stagedReports?: IncidentSection;
  /** The incident's own audit history (the audit module's service). */
  history?: HistorySource;
  /** Indicator matches in other bureaux and the campaign's incidents (the incidents module's service). */
  matches?: MatchSource;
  /** The triage decisions' reasons (their own records). */
  decisionReasons?: DecisionReasonLookup;
}

const ACTIONS = [
  'claim',
  'release',
  'assign',
  'transition',
  'note',
  'task',
  'link',
  'merge',
  'obligation',
  'markings',
] as const;
type Action = (typeof ACTIONS)[number];

const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'validation.invalid');
const params = z.object({ id: objectId });
const workQuery = z.object({
  auditBefore: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  ),
});
// An empty choice is no change; the labels are TLP 2.0's and PAP's own, never translated.
const blankEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.enum(values).optional());
const actionParams = z.object({ id: objectId, action: z.enum(ACTIONS) });
const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().max(max).optional(),
  );
const optionalNumber = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.coerce.number().min(0).max(1e12).optional(),
);

/** A field sent once per row (a string once, a list more often); at most 50 rows. */
const textList = z.preprocess(
  (v): unknown[] => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v]),
  z.array(z.string().trim().max(1000)).max(50),
);

/** Every action form carries the version it was opened at, and what its person saw (to say what changed). */
const actionForm = z.object({
  version: z.coerce.number().int().min(0),
  seenStatus: z.string().max(40),
  seenAssignee: z.string().max(200),
  seenSeverity: z.string().max(10),
  // Optional so a form opened before the markings existed is still read.
  seenTlp: z.string().max(20).optional(),
  seenPap: z.string().max(20).optional(),
  tlp: blankEnum(TLP_LEVELS),
  pap: blankEnum(PAP_LEVELS),
  userId: optionalText(24),
  to: z.preprocess((v) => (v === '' ? undefined : v), z.enum(INCIDENT_STATUSES).optional()),
  finding: optionalText(5000),
  text: optionalText(10_000),
  title: optionalText(500),
  incidentId: optionalText(24),
  reason: optionalText(1000),
  into: optionalText(24),
  obligation: optionalText(100),
  at: optionalText(40),
  reference: optionalText(200),
  rootCause: optionalText(5000),
  lessonsLearnt: optionalText(5000),
  cost: optionalNumber,
  affectedPeople: optionalNumber,
  // The close form's regulatory clocks still running: each key beside the reason typed for it.
  naClock: textList,
  naReason: textList,
  perpetratorType: optionalText(200),
  motivation: optionalText(200),
});
type ActionForm = z.output<typeof actionForm>;

const FIELDS = [
  'userId',
  'to',
  'finding',
  'text',
  'title',
  'incidentId',
  'reason',
  'into',
  'obligation',
  'at',
  'reference',
  'rootCause',
  'lessonsLearnt',
  'cost',
  'affectedPeople',
  'perpetratorType',
  'motivation',
  'tlp',
  'pap',
] as const;

const required = (field: string): never => {
  throw new ValidationError([{ path: field, message: 'validation.required' }]);
};

/** `2026-12-02T14:30` typed in Hong Kong time (no daylight saving: always +08:00). */
function hongKongTime(value: string): Date {
  const date = new Date(
    /[+-]\d\d:\d\d$|Z$/.test(value) ? value : `${value}:00+08:00`.replace(/:00:00\+/, ':00+'),
  );
  if (Number.isNaN(date.getTime()))
    throw new ValidationError([{ path: 'at', message: 'validation.invalid' }]);
  return date;
}

/** Runs one action with the version the form was opened at; the services enforce the same rules as the API. */
async function act(
  deps: WorkPageDeps,
  actor: Actor,
  id: string,
  action: Action,
  form: ActionForm,
): Promise<WorkflowIncident> {
  const s = deps.services;
  const v = form.version;
  switch (action) {
    case 'claim':
      return s.workflow.claim(actor, id, v);
    case 'release':
      return s.workflow.release(actor, id, v);
    case 'assign':
      if (actor.role === 'system' || !roleHas(actor.role, 'incident.assign')) throw new ForbiddenError();
      return s.workflow.assign(actor, id, v, form.userId ?? required('userId'));
    case 'transition': {
      const to = form.to ?? required('to');
      const postIncident = Object.fromEntries(
        (['rootCause', 'lessonsLearnt', 'cost', 'affectedPeople', 'perpetratorType', 'motivation'] as const)
          .filter((field) => form[field] !== undefined)
          .map((field) => [field, form[field]]),
      );
      // A clock left without a reason is not marked: the service then names it as still running.
      const notApplicable = Object.fromEntries(
        form.naClock.map((key, i) => [key, form.naReason[i] ?? ''] as const).filter(([, why]) => why !== ''),
      );
      return s.workflow.transition(actor, id, v, {
        to,
        finding: form.finding,
        postIncident: Object.keys(postIncident).length > 0 ? postIncident : undefined,
        notApplicable: Object.keys(notApplicable).length > 0 ? notApplicable : undefined,
      });
    }
    case 'note':
      return (await s.collaboration.addNote(actor, id, v, form.text ?? required('text'))).incident;
    case 'task':
      return (await s.collaboration.addTask(actor, id, v, { title: form.title ?? required('title') }))
        .incident;
    case 'link':
      return (
        await s.collaboration.link(actor, id, v, form.incidentId ?? required('incidentId'), form.reason)
      ).incident;
    case 'merge':
      if (actor.role === 'system' || !roleHas(actor.role, 'incident.merge')) throw new ForbiddenError();
      return s.merge.merge(actor, id, v, form.into ?? required('into'));
    case 'markings':
      return s.markings.set(actor, id, v, { tlp: form.tlp, pap: form.pap });
    case 'obligation': {
      const at = hongKongTime(form.at ?? required('at'));
      if (at.getTime() > Date.now() + 5 * 60_000)
        throw new ValidationError([{ path: 'at', message: 'must not be in the future' }]);
      return s.obligations.record(actor, id, v, {
        obligation: form.obligation ?? required('obligation'),
        at,
        reference: form.reference,
      });
    }
  }
}

interface Banner {
  title: string | null;
  lines: string[];
}

/**
 * The responder's incident page (`/console/incidents/:id/work`; the incident page sends CERT roles
 * here): everything about the incident, and the actions the person's role and the lifecycle allow.
 * Every form carries the version it was opened at: a stale one is refused as on the API (412), and
 * the page says what changed instead of overwriting it.
 */
export function workPages(deps: WorkPageDeps): AnyPage[] {
  const { translator } = deps;

  async function show(
    actor: Actor,
    lang: Language,
    id: string,
    status: number,
    banner: Banner | null,
    problems: PageProblem[] = [],
    values: Record<string, string> = {},
    historyBefore?: number,
  ): Promise<PageView> {
    const t = (key: string, v?: Record<string, unknown>) => translator.t(lang, key, v);
    const incident = await deps.services.writer.read(deps.services.scope(actor), id);
    // The sections read different stores (the audit trail twice, messages, staged reports, the
    // indicator index): asked together, the page waits for the slowest rather than for their sum.
    const decisionId = incident.triage?.decisionId;
    const [timeline, worklog, thread, bureauReports, history, matches, reasons] = await Promise.all([
      deps.services.timeline.timeline(actor, id),
      deps.services.collaboration.worklogOf(incident.id),
      deps.messages ? threadSection(deps.messages, translator, lang, actor, id) : null,
      deps.stagedReports ? deps.stagedReports({ actor, incidentId: id, lang, translator }) : null,
      deps.history && mayReadHistory(actor)
        ? historySection(deps.history, translator, lang, id, historyBefore)
        : null,
      deps.matches ? matchesSection(deps.matches, translator, lang, actor, id) : null,
      decisionId && deps.decisionReasons
        ? deps.decisionReasons([decisionId]).then((found) => found.get(decisionId) ?? [])
        : [],
    ]);
    const role = actor.role === 'system' ? null : actor.role;
    const can = (permission: Parameters<typeof roleHas>[1]) => role !== null && roleHas(role, permission);
    const mine = incident.assignee?.userId === actor.userId;
    const open =
      incident.status !== 'closed' && incident.status !== 'rejected' && incident.status !== 'duplicate';
    const staff = can('incident.assign') ? await staffList(deps) : [];
    const moves = allowedNext(incident.status);
    const clocks = incident.clocks.map((clock) => {
      const state = 'state' in clock ? clock.state : null;
      return {
        name: clockName(clock, lang),
        regime: clock.regime,
        obligation: clock.obligation,
        startsFrom: clock.startsFrom,
        dueAt: clock.dueAt ?? null,
        state: state ?? '—',
        running: state === 'running',
        left: state === 'running' && clock.dueAt ? countdown(translator, lang, clock.dueAt) : null,
        escalations: 'escalations' in clock ? clock.escalations.length : 0,
      };
    });
    // Only what a record meets: the CERT's acknowledge and contain clocks are met by the moves above.
    const obligations = [...new Set(incident.clocks.map((clock) => clock.obligation))]
      .filter((obligation) => recordableBy('cert', obligation))
      .sort();
    const started = startedClocks(incident.clocks);
    const closing = moves.includes('closed')
      ? owedAtClose(started).map((clock) => ({ key: clock.key, name: clockName(clock, lang) }))
      : [];
    return {
      view: 'incidents/work',
      title: 'respond.header',
      titleValues: { ref: incident.ref },
      status,
      data: {
        banner,
        words: countdownWords(translator, lang),
        incident: {
          id: incident.id,
          ref: incident.ref,
          revision: incident.revision,
          title: typeof incident.facts.title === 'string' ? incident.facts.title : incident.ref,
          description: typeof incident.facts.description === 'string' ? incident.facts.description : null,
          category: typeof incident.facts.category === 'string' ? incident.facts.category : null,
          status: t(`statuses.${incident.status}`),
          statusCode: incident.status,
          severity: incident.severity,
          tlp: incident.tlp,
          pap: incident.pap,
          bureauId: incident.bureauId,
          reportedAt: incident.reportedAt,
          assignee: incident.assignee?.name ?? null,
          queue: incident.triage?.queue ?? null,
          finding: incident.finding,
        },
        seen: {
          status: incident.status,
          assignee: incident.assignee?.name ?? '',
          severity: incident.severity ?? '',
          tlp: incident.tlp,
          pap: incident.pap,
        },
        markings: markingChoices(incident.tlp, incident.pap),
        history,
        running: clocks.filter((clock) => clock.left),
        clocks,
        triage: incident.triage
          ? {
              version: incident.triage.policyVersion,
              round: incident.triage.round,
              queue: incident.triage.queue,
              reasons: reasons.map((r) => ({ rule: r.rule, detail: r.detail })),
            }
          : null,
        indicators:
          matches?.indicators ??
          incident.indicators.map((i) => ({ type: i.type, value: i.value, seenIn: [] })),
        campaign: incident.campaign
          ? { count: incident.campaign.relatedBureauxCount ?? 0, incidents: matches?.campaign ?? [] }
          : null,
        timeline: timeline.map((entry) => ({
          at: new Date(entry.at),
          by: entry.by?.name ?? null,
          action: entry.action,
          text: entry.text,
        })),
        thread,
        bureauReports,
        notes: worklog.notes.map((n) => ({ at: n.at, by: n.by.name, text: n.text })),
        tasks: worklog.tasks.map((task) => ({ title: task.title, done: task.done })),
        links: [
          ...worklog.links.map((l) => ({ id: l.id, text: t('respond.linkedTo', { ref: l.ref }) })),
          ...incident.merged.map((m) => ({ id: m.id, text: t('respond.mergedFrom', { ref: m.ref }) })),
          ...(incident.mergedInto
            ? [
                {
                  id: incident.mergedInto.id,
                  text: t('respond.mergedInto', { ref: incident.mergedInto.ref }),
                },
              ]
            : []),
        ],
        recorded: incident.obligations.map((o) => ({ obligation: o.obligation, at: o.at })),
        actions: {
          work: can('incident.work') && open,
          claim: can('incident.work') && open && !incident.assignee,
          release: can('incident.work') && open && !!incident.assignee && (mine || can('incident.assign')),
          assign: can('incident.assign') && open,
          staff: staff.map((u) => ({ id: u.id, name: u.name, selected: u.id === incident.assignee?.userId })),
          acknowledge: can('incident.work') && moves.includes('acknowledged'),
          moves: can('incident.work')
            ? moves.filter((m) => m !== 'duplicate').map((m) => ({ value: m, label: t(`statuses.${m}`) }))
            : [],
          reviewed: REVIEWED_SEVERITIES.includes(incident.severity as never) && moves.includes('closed'),
          merge: can('incident.merge') && moves.includes('duplicate'),
          obligation: can('obligation.record') && obligations.length > 0,
          obligations,
          closing,
          markings: can('incident.work'),
        },
        form: formState(translator, lang, FIELDS, problems, values),
      },
    };
  }

  return [
    definePage({
      method: 'get',
      path: '/console/incidents/:id/work',
      permission: 'queue.read',
      params,
      query: workQuery,
      handler: ({ actor, lang, params: { id }, query }) =>
        show(actor, lang, id, 200, null, [], {}, query.auditBefore),
    }),
    definePage({
      method: 'post',
      path: '/console/incidents/:id/act/:action',
      permission: 'incident.work',
      params: actionParams,
      form: actionForm,
      handler: async ({ actor, lang, params: { id, action }, form }) => {
        try {
          await act(deps, actor, id, action, form);
        } catch (err) {
          if (err instanceof PreconditionFailedError) {
            const current = await deps.services.writer.read(deps.services.scope(actor), id);
            return show(actor, lang, id, 409, changedSince(translator, lang, form, current));
          }
          if (err instanceof ConflictError) {
            const banner = {
              title: null,
              lines: [translator.t(lang, 'respond.refused', { message: err.message })],
            };
            return show(actor, lang, id, 409, banner);
          }
          throw err;
        }
        return { redirect: `/console/incidents/${id}/work` };
      },
      // The service names the review's fields `postIncident.<field>`; the form's fields are flat.
      invalid: ({ actor, lang, params: { id } }, problems, values) =>
        show(
          actor,
          lang,
          id,
          422,
          null,
          problems.map((p) =>
            p.field.startsWith('notApplicable.')
              ? {
                  field: 'notApplicable',
                  message: 'respond.clockStillRunning',
                  values: { clock: p.field.slice('notApplicable.'.length) },
                }
              : { ...p, field: p.field.replace(/^postIncident\./, '') },
          ),
          values,
        ),
    }),
  ];
}

async function staffList(deps: WorkPageDeps): Promise<User[]> {
  const [responders, leads] = await Promise.all([
    deps.users.list({ role: 'responder' }),
    deps.users.list({ role: 'lead' }),
  ]);
  return [...leads, ...responders].filter((u) => !u.disabledAt);
}

/** What differs between what the person saw when the form opened and the incident now. */
function changedSince(
  translator: Translator,
  lang: Language,
  form: ActionForm,
  now: WorkflowIncident,
): Banner {
  const t = (key: string, v?: Record<string, unknown>) => translator.t(lang, key, v);
  const nobody = t('respond.nobody');
  const lines: string[] = [];
  if (form.seenStatus !== now.status)
    lines.push(
      t('respond.changedField', {
        field: t('respond.status'),
        before: translator.has(`statuses.${form.seenStatus}`)
          ? t(`statuses.${form.seenStatus}`)
          : form.seenStatus,
        after: t(`statuses.${now.status}`),
      }),
    );
  const assignee = now.assignee?.name ?? '';
  if (form.seenAssignee !== assignee)
    lines.push(
      t('respond.changedField', {
        field: t('respond.assignee'),
        before: form.seenAssignee || nobody,
        after: assignee || nobody,
      }),
    );
  if (form.seenSeverity !== (now.severity ?? ''))
    lines.push(
      t('respond.changedField', {
        field: t('respond.severity'),
        before: form.seenSeverity || '—',
        after: now.severity ?? '—',
      }),
    );
  for (const [field, seen, current] of [
    ['TLP', form.seenTlp, now.tlp],
    ['PAP', form.seenPap, now.pap],
  ] as const) {
    // The marking's own name and labels: never translated.
    if (seen !== undefined && seen !== current)
      lines.push(t('respond.changedField', { field, before: seen, after: current }));
  }
  if (lines.length === 0)
    lines.push(t('respond.changedOther', { before: form.version, after: now.revision }));
  return { title: t('respond.changedTitle'), lines: [t('respond.changedIntro'), ...lines] };
}
