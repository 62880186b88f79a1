import { z } from 'zod';
import type { AuditEvent, AuditService, TimedVerifyReport } from '../../audit/index.js';
import type { Language } from '../../accounts/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage, type PageProblem } from '../page.js';
import { formState } from '../render.js';

export interface AuditPageDeps {
  audit: Pick<AuditService, 'list' | 'verifyCached'>;
  translator: Translator;
}

const PAGE_SIZE = 50;
const OBJECT_ID = /^[0-9a-f]{24}$/;
// What a datetime-local input sends: read as Hong Kong time, the time every page shows.
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** A text box's value: trimmed, an empty box is no filter. */
const box = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((value) => value?.trim() || undefined);

const verifyQuery = z.object({ incident: box(40) });
const eventsQuery = z.object({
  incident: box(40),
  actor: box(200),
  action: box(100),
  from: box(30),
  to: box(30),
  after: z.coerce.number().int().min(0).optional(),
});
type EventsQuery = z.output<typeof eventsQuery>;

const FILTER_FIELDS = ['incident', 'actor', 'action', 'from', 'to'] as const;

/** A verification in words: the chain's result, the first broken sequence number, the incident's share. */
function verifyResult(translator: Translator, lang: Language, report: TimedVerifyReport) {
  const t = (key: string, values?: Record<string, unknown>) => translator.t(lang, key, values);
  const summary = report.firstBad
    ? t('auditTrail.broken', {
        seq: report.firstBad.seq,
        reason: t(`auditTrail.reason.${report.firstBad.reason}`),
        events: report.eventsChecked,
      })
    : t('auditTrail.ok', {
        events: report.eventsChecked,
        checkpoints: report.checkpointsChecked,
        head: report.head.seq,
      });
  let subject: string | null = null;
  if (report.subject) {
    const values = { id: report.subject.id, count: report.subject.events };
    if (report.subject.events === 0 && report.ok) subject = t('auditTrail.subjectNone', values);
    else subject = t(report.subject.ok ? 'auditTrail.subjectOk' : 'auditTrail.subjectBroken', values);
  }
  return {
    ok: report.ok,
    summary,
    subject,
    firstBadSeq: report.firstBad?.seq ?? null,
    verifiedAt: report.verifiedAt,
    cached: report.cached,
  };
}

/** The filters as the audit service takes them, or the problems with the fields that are wrong. */
function eventFilter(query: EventsQuery): {
  filter: Parameters<AuditService['list']>[0];
  problems: PageProblem[];
} {
  const problems: PageProblem[] = [];
  const instant = (field: 'from' | 'to'): string | undefined => {
    const value = query[field];
    if (value === undefined) return undefined;
    const at = LOCAL_TIME.test(value) ? new Date(`${value}:00+08:00`) : null;
    if (!at || Number.isNaN(at.getTime())) {
      problems.push({ field, message: 'auditTrail.invalidTime' });
      return undefined;
    }
    return at.toISOString();
  };
  if (query.incident !== undefined && !OBJECT_ID.test(query.incident))
    problems.push({ field: 'incident', message: 'auditTrail.invalidId' });
  const from = instant('from');
  const to = instant('to');
  return {
    problems,
    filter: {
      ...(query.incident ? { subjectType: 'incident', subjectId: query.incident } : {}),
      ...(query.actor ? { actorUserId: query.actor } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(query.after !== undefined ? { after: query.after } : {}),
      limit: PAGE_SIZE,
    },
  };
}

/** This page's address with the same filters and another cursor. */
function pageLink(query: EventsQuery, after: number | null): string {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) {
    const value = query[field];
    if (value) params.set(field, value);
  }
  if (after !== null) params.set('after', String(after));
  const text = params.toString();
  return `/console/audit/events${text ? `?${text}` : ''}`;
}

function eventRow(event: AuditEvent) {
  return {
    seq: event.seq,
    at: event.at,
    actorName: event.actor.name,
    actorRole: event.actor.role,
    actorLink: `/console/audit/events?actor=${encodeURIComponent(event.actor.userId)}`,
    action: event.action,
    subject: event.subject.ref ?? `${event.subject.type} ${event.subject.id}`,
    incidentLink:
      event.subject.type === 'incident' && OBJECT_ID.test(event.subject.id)
        ? `/console/audit/events?incident=${event.subject.id}`
        : null,
    bureauId: event.bureauId,
  };
}

/**
 * The auditor's audit trail: verification of the whole chain or one incident's share, in words, with
 * the first broken sequence number; and the events, filtered and paged by sequence number. Read-only,
 * through the audit service's public surface (the same calls as `/api/v1/audit/*`).
 */
export function auditPages(deps: AuditPageDeps): AnyPage[] {
  const { translator } = deps;
  return [
    definePage({
      method: 'get',
      path: '/console/audit',
      permission: 'audit.verify',
      query: verifyQuery,
      handler: async ({ query, lang, req }) => {
        const problems: PageProblem[] =
          query.incident !== undefined && !OBJECT_ID.test(query.incident)
            ? [{ field: 'incident', message: 'auditTrail.invalidId' }]
            : [];
        // The page verifies when it is asked to (the form's submit carries `incident`, empty or not).
        const asked = 'incident' in (req.query as Record<string, unknown>) && problems.length === 0;
        const report = asked
          ? await deps.audit.verifyCached(query.incident ? { subjectId: query.incident } : {})
          : null;
        return {
          view: 'audit/trail',
          title: 'auditTrail.title',
          status: problems.length > 0 ? 400 : 200,
          data: {
            form: formState(translator, lang, ['incident'], problems, { incident: query.incident ?? '' }),
            result: report ? verifyResult(translator, lang, report) : null,
          },
        };
      },
    }),
    definePage({
      method: 'get',
      path: '/console/audit/events',
      permission: 'audit.read',
      query: eventsQuery,
      handler: async ({ query, lang }) => {
        const { filter, problems } = eventFilter(query);
        const page = problems.length === 0 ? await deps.audit.list(filter) : { events: [], nextCursor: null };
        const values = Object.fromEntries(FILTER_FIELDS.map((field) => [field, query[field] ?? '']));
        return {
          view: 'audit/events',
          title: 'auditTrail.eventsTitle',
          status: problems.length > 0 ? 400 : 200,
          data: {
            form: formState(translator, lang, FILTER_FIELDS, problems, values),
            events: page.events.map(eventRow),
            range:
              page.events.length > 0
                ? { first: page.events[0].seq, last: page.events[page.events.length - 1].seq }
                : null,
            next: page.nextCursor !== null ? pageLink(query, page.nextCursor) : null,
            first: query.after !== undefined ? pageLink(query, null) : null,
          },
        };
      },
    }),
  ];
}
