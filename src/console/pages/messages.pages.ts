import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import type { Actor } from '../../auth/index.js';
import { MESSAGE_BODY_MAX, type CorrespondenceService } from '../../correspondence/index.js';
import type { IncidentService } from '../../incidents/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage, type PageProblem, type PageView } from '../page.js';

/** The correspondence module's service, as the pages use it. */
export type ThreadSource = Pick<CorrespondenceService, 'thread' | 'canPost' | 'post'>;

/** What `partials/messages/thread` shows: the thread, and the form when the person's role writes. */
export interface ThreadSection {
  title: string;
  intro: string;
  action: string;
  max: number;
  canPost: boolean;
  messages: Array<{ side: string; who: string; at: Date; body: string }>;
  form: { value: string; error: string | null };
}

const params = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'validation.invalid') });
// The service trims and checks the same limits; here the form's problems get the thread's own words.
const messageForm = z.object({ body: z.string().trim().min(1).max(MESSAGE_BODY_MAX) });

/** Where a person reads the incident: the bureau's portal page, or the responders' page. */
export const incidentPageOf = (actor: Actor, id: string): string =>
  actor.role === 'reporter' ? `/console/my-incidents/${id}` : `/console/incidents/${id}/work`;

/**
 * The thread section of an incident page, as `actor` may see it (the service scopes it: another
 * bureau's incident is its 404). `form` is what was typed and its error, when the page comes back
 * with one.
 */
export async function threadSection(
  source: ThreadSource,
  translator: Translator,
  lang: Language,
  actor: Actor,
  incidentId: string,
  form: { value: string; error: string | null } = { value: '', error: null },
): Promise<ThreadSection> {
  const t = (key: string, values?: Record<string, unknown>) => translator.t(lang, key, values);
  const bureau = actor.role === 'reporter';
  const messages = await source.thread(actor, incidentId);
  return {
    title: bureau ? 'correspondence.bureauTitle' : 'correspondence.certTitle',
    intro: bureau ? 'correspondence.bureauIntro' : 'correspondence.certIntro',
    action: `/console/incidents/${incidentId}/messages`,
    max: MESSAGE_BODY_MAX,
    canPost: source.canPost(actor),
    messages: messages.map((message) => ({
      side: message.side,
      who:
        message.side === 'bureau'
          ? t('correspondence.bureauPerson', { name: message.author?.name ?? '' })
          : message.author
            ? t('correspondence.certStaff', { name: message.author.name })
            : t('correspondence.cert'),
      at: message.createdAt,
      body: message.body,
    })),
    form,
  };
}

export interface MessagePageDeps {
  messages: ThreadSource;
  incidents: Pick<IncidentService, 'get'>;
  translator: Translator;
}

/**
 * The thread on a page of its own (`/console/incidents/:id/messages`, for any role that reads the
 * incident), and the post form's target. The incident pages show the same thread with the form; a
 * message that cannot be sent (empty, too long) comes back here with the error next to the field and
 * the text kept; a sent one goes back to the incident page the person came from.
 */
export function messagePages(deps: MessagePageDeps): AnyPage[] {
  const { translator } = deps;
  const show = async (
    actor: Actor,
    lang: Language,
    id: string,
    problems: readonly PageProblem[] = [],
    values: Readonly<Partial<Record<string, string>>> = {},
  ): Promise<PageView> => {
    const incident = await deps.incidents.get(actor, id);
    const problem = problems.at(0);
    const error = problem
      ? problem.message === 'validation.tooLong'
        ? translator.t(lang, 'correspondence.errors.tooLong', { maximum: MESSAGE_BODY_MAX })
        : translator.t(lang, 'correspondence.errors.empty')
      : null;
    const thread = await threadSection(deps.messages, translator, lang, actor, id, {
      value: values.body ?? '',
      error,
    });
    return {
      view: 'messages/thread',
      title: 'correspondence.pageTitle',
      titleValues: { ref: incident.ref },
      ...(problems.length > 0 ? { status: 422 } : {}),
      data: { ref: incident.ref, back: incidentPageOf(actor, id), thread },
    };
  };
  return [
    definePage({
      method: 'get',
      path: '/console/incidents/:id/messages',
      permission: 'incident.read',
      params,
      handler: ({ actor, lang, params: { id } }) => show(actor, lang, id),
    }),
    definePage({
      method: 'post',
      path: '/console/incidents/:id/messages',
      // Reporters, responders and leads; auditors read the thread and get the 403 page here.
      permission: 'incident.update',
      params,
      form: messageForm,
      invalid: ({ actor, lang, params: { id } }, problems, values) =>
        show(
          actor,
          lang,
          id,
          problems.filter((p) => p.field === 'body'),
          values,
        ),
      handler: async ({ actor, params: { id }, form, req }) => {
        await deps.messages.post(actor, id, form.body);
        req.session.notice = { key: 'correspondence.sent' };
        return { redirect: `${incidentPageOf(actor, id)}#messages` };
      },
    }),
  ];
}
