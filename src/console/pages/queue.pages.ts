import { z } from 'zod';
import { INCIDENT_STATUSES } from '../../incidents/index.js';
import type { QueueRow, WorkflowServices } from '../../workflow/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage } from '../page.js';
import { countdown, countdownWords } from './countdown.js';

export interface QueuePageDeps {
  queues: Pick<WorkflowServices['queues'], 'summaries' | 'filteredPage' | 'work'>;
  translator: Translator;
}

const SEVERITIES = ['S1', 'S2', 'S3', 'S4'] as const;
const PAGE_SIZE = 25;
/** "About to breach" on the my-work page: due within this many hours. */
const SOON_HOURS = 4;
/** At most this many rows in each list of the my-work page (most urgent first). */
const WORK_LIMIT = 200;

// An empty select in a GET form arrives as `severity=`: the same as not filtering.
const blank = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const queueParams = z.object({ queue: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/) });
const queueQuery = z.object({
  severity: blank(z.enum(SEVERITIES)),
  bureau: blank(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/)),
  status: blank(z.enum(INCIDENT_STATUSES)),
  assignee: blank(z.union([z.literal('none'), z.string().regex(/^[0-9a-f]{24}$/)])),
  mine: blank(z.literal('1')),
  page: blank(z.coerce.number().int().min(1).max(10_000)),
});
type QueueQuery = z.output<typeof queueQuery>;

/** The address of another page of the same filtered listing. */
function pageHref(queue: string, query: QueueQuery, page: number): string {
  const params = new URLSearchParams();
  // Filters not chosen are absent from the parsed query's values (undefined): left out of the address.
  const entries = Object.entries({ ...query, page }) as Array<[string, string | number | undefined]>;
  for (const [key, value] of entries) {
    if (value !== undefined) params.set(key, String(value));
  }
  return `/console/queues/${queue}?${params.toString()}`;
}

/**
 * Responders' and leads' queues (`queue.read`, so reporters get the 403 page): every queue the policy
 * routes to, with counts and the next deadline, and one queue's incidents, most urgent first, with a
 * countdown that a small script keeps current.
 */
export function queuePages(deps: QueuePageDeps): AnyPage[] {
  const { translator } = deps;
  return [
    definePage({
      method: 'get',
      path: '/console/queues',
      permission: 'queue.read',
      handler: async ({ lang }) => {
        const summaries = await deps.queues.summaries();
        return {
          view: 'queues/index',
          title: 'queues.title',
          data: {
            words: countdownWords(translator, lang),
            queues: summaries.map((s) => ({
              queue: s.queue,
              total: s.total,
              unassigned: s.unassigned,
              severities: [...SEVERITIES, 'none'].map((severity) => s.bySeverity[severity] ?? 0),
              nextDue: s.nextDue
                ? { ref: s.nextDue.ref, id: s.nextDue.id, ...countdown(translator, lang, s.nextDue.dueAt) }
                : null,
            })),
          },
        };
      },
    }),
    definePage({
      method: 'get',
      path: '/console/queues/:queue',
      permission: 'queue.read',
      params: queueParams,
      query: queueQuery,
      handler: async ({ params: { queue }, query, actor, lang }) => {
        // Filters and paging are the queue index's: only the shown page's rows are read.
        const filter = {
          severity: query.severity,
          bureauId: query.bureau,
          status: query.status,
          assignee: query.assignee,
          mine: query.mine ? actor.userId : undefined,
        };
        const wanted = query.page ?? 1;
        let found = await deps.queues.filteredPage(queue, filter, PAGE_SIZE, (wanted - 1) * PAGE_SIZE);
        const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
        const page = Math.min(wanted, pages);
        // A page past the end (the queue shrank since the link was made) shows the last one.
        if (page !== wanted)
          found = await deps.queues.filteredPage(queue, filter, PAGE_SIZE, (page - 1) * PAGE_SIZE);
        const shown = found.items;
        // Filter choices come from the queue itself: its bureaux and the people holding its incidents.
        const bureaux = found.bureaux;
        const assignees = new Map(found.assignees.map((a) => [a.userId, a.name]));
        const option = (value: string, label: string, current: string | undefined) => ({
          value,
          label,
          selected: value === current,
        });
        return {
          view: 'queues/show',
          title: 'queues.queueTitle',
          titleValues: { queue },
          data: {
            queue,
            words: countdownWords(translator, lang),
            filters: {
              severities: SEVERITIES.map((s) => option(s, s, query.severity)),
              bureaux: bureaux.map((b) => option(b, b, query.bureau)),
              statuses: INCIDENT_STATUSES.map((s) =>
                option(s, translator.t(lang, `statuses.${s}`), query.status),
              ),
              assignees: [
                option('none', translator.t(lang, 'queues.nobody'), query.assignee),
                ...[...assignees.entries()].map(([id, name]) => option(id, name, query.assignee)),
              ],
              mine: query.mine === '1',
            },
            rows: shown.map((row) => ({
              id: row.id,
              ref: row.ref,
              severity: row.severity,
              bureauId: row.bureauId,
              status: translator.t(lang, `statuses.${row.status}`),
              assignee: row.assignee?.name ?? null,
              reportedAt: row.reportedAt,
              due: row.nextDueAt ? countdown(translator, lang, row.nextDueAt) : null,
            })),
            paging: {
              text: translator.t(lang, 'queues.pageOf', { page, pages, count: found.total }),
              previous: page > 1 ? pageHref(queue, query, page - 1) : null,
              next: page < pages ? pageHref(queue, query, page + 1) : null,
            },
          },
        };
      },
    }),
    definePage({
      method: 'get',
      path: '/console/work',
      permission: 'queue.read',
      handler: async ({ actor, lang }) => {
        const soon = new Date(Date.now() + SOON_HOURS * 3_600_000);
        const work = await deps.queues.work(actor.userId, soon, WORK_LIMIT);
        const view = (row: QueueRow) => ({
          id: row.id,
          ref: row.ref,
          queue: row.queue,
          severity: row.severity,
          status: translator.t(lang, `statuses.${row.status}`),
          assignee: row.assignee?.name ?? null,
          due: row.nextDueAt ? countdown(translator, lang, row.nextDueAt) : null,
        });
        return {
          view: 'queues/work',
          title: 'work.title',
          data: {
            words: countdownWords(translator, lang),
            hours: SOON_HOURS,
            mine: work.mine.map(view),
            soon: work.soon.map(view),
          },
        };
      },
    }),
  ];
}
