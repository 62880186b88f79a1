import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import type {
  AdvisoryRecord,
  AdvisorySendService,
  AdvisoryService,
  SendCheck,
} from '../../advisories/index.js';
import type { Actor, BureauService } from '../../auth/index.js';
import type { RecipientListService } from '../../notifications/index.js';
import { AppError, ValidationError, type FieldProblem } from '../../platform/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage, type PageView } from '../page.js';

export interface AdvisorySendPageDeps {
  advisories: Pick<AdvisoryService, 'require' | 'revisionOf'>;
  sending: Pick<AdvisorySendService, 'check' | 'send'>;
  /** Recipient lists to choose from (the notifications module's). */
  lists: Pick<RecipientListService, 'list'>;
  /** Bureaux, whose contacts are a list of their own (`bureau:<code>`). */
  bureaux: Pick<BureauService, 'list'>;
  translator: Translator;
}

const params = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });
const LIST = /^(bureau:[A-Z][A-Z0-9]{1,15}|[a-z][a-z0-9-]{1,47})$/;
// Checkboxes send one value, several, or none: always read as a list.
const chosenLists = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
  .pipe(z.array(z.string().regex(LIST)).max(50));
const sendQuery = z.object({
  revision: z.coerce.number().int().min(1).optional(),
  lists: chosenLists,
  check: z.literal('1').optional(),
});
const sendForm = z.object({ revision: z.coerce.number().int().min(1), lists: chosenLists });

/** Codes of the send service's refusals that come before its TLP check, each worded in the catalogue. */
const PROBLEMS = new Set([
  'recipient_unknown',
  'recipients_not_approved',
  'recipient_classification_conflict',
  'advisory_not_approved',
  'tlp_distribution_refused',
]);

/** The addresses or fields a refusal names (its `details`, or a validation error's problems). */
function detailsOf(err: AppError): FieldProblem[] {
  if (err instanceof ValidationError) return [...err.problems];
  if (!Array.isArray(err.details)) return [];
  return (err.details as unknown[]).filter(
    (d): d is FieldProblem =>
      typeof d === 'object' &&
      d !== null &&
      typeof (d as Partial<FieldProblem>).path === 'string' &&
      typeof (d as Partial<FieldProblem>).message === 'string',
  );
}

/**
 * Sending an approved revision: choose the revision and the lists (recipient lists, bureaux' contacts;
 * the revision's approved named recipients are always included), see what its TLP allows and refuses
 * for each recipient (the send service's own check, nothing sent), then send. A refused send (the
 * lists changed meanwhile) shows the same check with the reasons; nothing is sent.
 */
export function advisorySendPages(deps: AdvisorySendPageDeps): AnyPage[] {
  const { translator } = deps;
  const t = (lang: Language, key: string, values?: Record<string, unknown>) =>
    translator.t(lang, key, values);

  /** A service refusal in the reader's language, with the addresses or lists it names. */
  const problemText = (lang: Language, err: AppError, tlp: string): string => {
    const details = detailsOf(err);
    const named = details.map((d) => d.path).join(', ');
    if (PROBLEMS.has(err.code)) return t(lang, `advisoryDesk.send.problems.${err.code}`, { tlp, named });
    if (err instanceof ValidationError) {
      const lists = details.filter((d) => d.path.startsWith('lists.'));
      if (lists.length > 0) {
        return t(lang, 'advisoryDesk.send.problems.lists', {
          named: lists.map((d) => `${d.path.slice('lists.'.length)} (${d.message})`).join('; '),
        });
      }
      return t(lang, 'advisoryDesk.send.problems.noRecipients');
    }
    return err.message;
  };

  const checkView = (lang: Language, check: SendCheck) => {
    const recipients = check.recipients.map((r) => ({
      address: r.address,
      name: r.name,
      organisation: r.organisation,
      circle: t(lang, `advisoryDesk.circles.${r.circle}`),
      via: r.via,
      allowed: r.refusal === null,
      reason:
        r.refusal === null
          ? null
          : t(lang, `advisoryDesk.refusals.${r.refusal.code}`, {
              tlp: check.tlp,
              circle: t(lang, `advisoryDesk.circles.${r.circle}`),
              organisation: r.organisation,
              target: r.refusal.target ?? '',
            }),
    }));
    return {
      revision: check.revision,
      tlp: check.tlp,
      allowed: check.allowed,
      count: recipients.length,
      refused: recipients.filter((r) => !r.allowed).length,
      recipients,
    };
  };

  const sendView = async (
    actor: Actor,
    lang: Language,
    advisory: AdvisoryRecord,
    wanted: { revision?: number; lists: string[]; check: boolean },
    outcome: { problem?: string | null; status?: number } = {},
  ): Promise<PageView> => {
    const approved = advisory.revisions.filter((r) => r.approvedAt !== null);
    const revision = approved.find((r) => r.number === wanted.revision) ?? approved.at(-1) ?? null;
    const [lists, bureaux] = await Promise.all([deps.lists.list(), deps.bureaux.list()]);
    let check: ReturnType<typeof checkView> | null = null;
    let problem = outcome.problem ?? null;
    if (wanted.check && revision && problem === null) {
      try {
        check = checkView(
          lang,
          await deps.sending.check(advisory.id, { revision: revision.number, lists: wanted.lists }),
        );
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
        problem = problemText(lang, err, `TLP:${revision.content.tlp}`);
      }
    }
    const latest = advisory.revisions.find((r) => r.number === advisory.latestRevision);
    return {
      view: 'advisories/send',
      title: 'advisoryDesk.send.title',
      titleValues: { ref: advisory.ref },
      status: outcome.status ?? (problem === null ? 200 : 422),
      data: {
        advisory: { id: advisory.id, ref: advisory.ref, title: latest?.content.title ?? advisory.ref },
        revision: revision
          ? {
              number: revision.number,
              tlp: revision.content.tlp,
              pap: revision.content.pap,
              approvedBy: revision.approvedBy?.name ?? '',
              named: revision.content.namedRecipients ?? [],
            }
          : null,
        revisions: approved.map((r) => ({ value: r.number, selected: r.number === revision?.number })),
        lists: lists.map((list) => ({
          value: list.slug,
          id: `list-${list.slug}`,
          label: list.name,
          organisation: list.organisation,
          circle: t(lang, `advisoryDesk.circles.${list.circle}`),
          checked: wanted.lists.includes(list.slug),
        })),
        bureaux: bureaux
          .filter((bureau) => bureau.active)
          .map((bureau) => ({
            value: `bureau:${bureau.code}`,
            id: `bureau-${bureau.code}`,
            label: t(lang, 'advisoryDesk.send.bureauContacts', { name: bureau.name, code: bureau.code }),
            checked: wanted.lists.includes(`bureau:${bureau.code}`),
          })),
        chosen: wanted.lists,
        check,
        problem,
        actor: actor.name,
      },
    };
  };

  return [
    definePage({
      method: 'get',
      path: '/console/advisories/drafts/:id/send',
      permission: 'advisory.send',
      params,
      query: sendQuery,
      handler: async ({ actor, lang, params: { id }, query }) =>
        sendView(actor, lang, await deps.advisories.require(id), {
          ...(query.revision === undefined ? {} : { revision: query.revision }),
          lists: query.lists,
          check: query.check === '1',
        }),
    }),
    definePage({
      method: 'post',
      path: '/console/advisories/drafts/:id/send',
      permission: 'advisory.send',
      params,
      form: sendForm,
      handler: async ({ actor, lang, params: { id }, form, req }) => {
        const advisory = await deps.advisories.require(id);
        const wanted = { revision: form.revision, lists: form.lists, check: true };
        try {
          const receipt = await deps.sending.send(actor, advisory.id, {
            revision: form.revision,
            lists: form.lists,
          });
          req.session.notice = {
            key: 'advisoryDesk.send.queued',
            values: { ref: advisory.ref, revision: receipt.revision, count: receipt.recipients.length },
          };
          return { redirect: `/console/advisories/drafts/${advisory.id}#deliveries` };
        } catch (err) {
          if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
          const revision = deps.advisories.revisionOf(advisory, form.revision);
          // Nothing was sent: the page says why, and shows the check again when it was the TLP's.
          const problem = problemText(lang, err, `TLP:${revision.content.tlp}`);
          if (err.code === 'tlp_distribution_refused') {
            const checked = await sendView(actor, lang, advisory, wanted);
            return { ...checked, status: err.status, data: { ...checked.data, problem } };
          }
          const view = await sendView(actor, lang, advisory, { ...wanted, check: false }, { problem });
          return { ...view, status: err.status };
        }
      },
      invalid: async ({ actor, lang, params: { id } }) =>
        sendView(
          actor,
          lang,
          await deps.advisories.require(id),
          { lists: [], check: false },
          {
            problem: t(lang, 'advisoryDesk.send.problems.form'),
            status: 422,
          },
        ),
    }),
  ];
}
