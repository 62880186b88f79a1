import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import {
  DRAFT_DEFAULTS,
  DRAFT_TEMPLATES,
  PAP_LEVELS,
  SelfApprovalError,
  TLP_LEVELS,
  type AdvisoryContent,
  type AdvisoryExportService,
  type AdvisoryPreviewService,
  type AdvisoryRecord,
  type AdvisoryService,
  type AdvisoryViews,
  type StoredRevision,
} from '../../advisories/index.js';
import { roleHas, type Actor } from '../../auth/index.js';
import { BadRequestError, ConflictError } from '../../platform/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage, type PageProblem, type PageView } from '../page.js';
import { formState } from '../render.js';
import {
  REMEDIATION_CATEGORIES,
  blocksShown,
  changedFields,
  checkContent,
  composerFields,
  contentFromForm,
  formFromContent,
  withoutEmptyOptionals,
  type FormValues,
} from './advisory.form.js';
import { advisoryDiffPages } from './advisory-diff.pages.js';
import { advisorySendPages, type AdvisorySendPageDeps } from './advisory-send.pages.js';

export interface AdvisoryPageDeps extends AdvisorySendPageDeps {
  advisories: Pick<AdvisoryService, 'list' | 'require' | 'draft' | 'revise' | 'approve' | 'revisionOf'>;
  previews: Pick<AdvisoryPreviewService, 'preview'>;
  /** CSAF 2.0 and STIX 2.1 downloads (each audited by the service). */
  exports: Pick<AdvisoryExportService, 'csaf' | 'stix'>;
  views: Pick<AdvisoryViews, 'full'>;
  /** Where people reach the console: the previewed mail links there, as the sent one does. */
  publicUrl(): string;
  translator: Translator;
}

/** Most advisories the list shows. */
const LIST_LIMIT = 100;
export const advisoryParams = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });
const revisionQuery = z.object({ revision: z.coerce.number().int().min(1).optional() });
const newQuery = z.object({ template: z.enum(DRAFT_TEMPLATES).default('blank') });
/** The composer's form: every field is text; the content is built and checked by `advisory.form.ts`. */
const composerForm = z.record(z.string(), z.string().max(100_000)).transform((values): FormValues => values);
const approveForm = z.object({ revision: z.coerce.number().int().min(1) });

/** Where an advisory stands, as a message key: draft, approved, sent, or changed since its approval. */
export function statusKey(advisory: AdvisoryRecord): string {
  const latest = advisory.revisions.find((r) => r.number === advisory.latestRevision);
  const approved = advisory.revisions.some((r) => r.approvedAt !== null);
  if (latest && latest.approvedAt === null && approved) return 'advisoryDesk.status.changedSinceApproval';
  if (advisory.sends.length > 0) return 'advisoryDesk.status.sent';
  if (approved) return 'advisoryDesk.status.approved';
  return 'advisoryDesk.status.draft';
}

const latestOf = (advisory: AdvisoryRecord): StoredRevision => {
  const latest = advisory.revisions.find((r) => r.number === advisory.latestRevision);
  if (!latest) throw new Error(`advisory ${advisory.ref} has no revision ${advisory.latestRevision}`);
  return latest;
};

/** A revision's content as the advisory page shows it (every key present for the strict templates). */
function contentView(c: AdvisoryContent) {
  return {
    title: c.title,
    tlp: c.tlp,
    pap: c.pap,
    summary: c.summary,
    affectedSystems: c.affectedSystems,
    recommendations: c.recommendations,
    references: c.references,
    indicators: c.indicators.map((i) => ({
      type: i.type,
      value: i.value,
      description: i.description ?? null,
    })),
    relatedIncidents: c.relatedIncidents,
    targetOrganisation: c.targetOrganisation ?? null,
    namedRecipients: c.namedRecipients ?? [],
    products: (c.products ?? []).map((p) => ({ productId: p.productId, name: p.name, cpe: p.cpe ?? null })),
    vulnerabilities: (c.vulnerabilities ?? []).map((v, n) => ({
      number: n + 1,
      cve: v.cve ?? null,
      title: v.title,
      description: v.description,
      cvss: v.cvssV4 ? `${v.cvssV4.baseScore} (${v.cvssV4.vectorString})` : null,
      knownAffected: v.knownAffected.join(', '),
      fixed: (v.fixed ?? []).join(', ') || null,
      remediation: v.remediation
        ? {
            categoryKey: `advisoryDesk.remediation.${v.remediation.category}`,
            details: v.remediation.details,
            url: v.remediation.url ?? null,
          }
        : null,
    })),
  };
}

const revisionView = (r: StoredRevision) => ({
  number: r.number,
  note: r.note,
  author: r.createdBy.name,
  createdAt: r.createdAt,
  approved: r.approvedAt !== null,
  approvedBy: r.approvedBy?.name ?? null,
  approvedAt: r.approvedAt,
});

/**
 * The CERT's advisory pages: the list, the composer (a new draft from a template, or a new revision on
 * top of the latest), the advisory with its revisions, approval (four eyes: the service refuses the
 * revision's author, and the page says so), the preview of the mail as sent, and delivery status per
 * recipient (a small script refreshes it; without script a reload does). Sending and the diff between
 * revisions are in their own files. Through the advisories services, the same as `/api/v1/advisories`.
 */
export function advisoryPages(deps: AdvisoryPageDeps): AnyPage[] {
  const { translator } = deps;

  const composer = (
    lang: Language,
    mode:
      | { kind: 'new'; template: (typeof DRAFT_TEMPLATES)[number] }
      | { kind: 'revise'; advisory: AdvisoryRecord; base: number },
    values: FormValues,
    problems: PageProblem[] = [],
  ): PageView => {
    const shown = blocksShown(values);
    const fields = composerFields(shown);
    const given = Object.fromEntries(
      Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const form = formState(translator, lang, fields, problems, given);
    const field = (name: string, label: string, hint: string | null = null) => ({
      id: name,
      name,
      label: translator.t(lang, label),
      hint: hint === null ? null : translator.t(lang, hint),
      value: form.values[name],
      error: form.errors[name] ?? null,
    });
    const line = (name: string) => field(name, `advisoryDesk.fields.${name}`, `advisoryDesk.hints.${name}`);
    const advisory = mode.kind === 'revise' ? mode.advisory : null;
    return {
      view: 'advisories/compose',
      title: advisory ? 'advisoryDesk.reviseTitle' : 'advisoryDesk.newTitle',
      titleValues: advisory ? { ref: advisory.ref } : {},
      status: problems.length > 0 ? 422 : 200,
      data: {
        advisory: advisory ? { id: advisory.id, ref: advisory.ref } : null,
        action: advisory
          ? `/console/advisories/drafts/${advisory.id}/revise`
          : '/console/advisories/drafts/new',
        baseRevision: mode.kind === 'revise' ? mode.base : null,
        template: mode.kind === 'new' ? mode.template : null,
        templates: DRAFT_TEMPLATES.map((value) => ({
          value,
          label: `advisoryDesk.templates.${value}`,
          selected: mode.kind === 'new' && mode.template === value,
        })),
        tlps: TLP_LEVELS.map((value) => ({ value, selected: form.values.tlp === value })),
        paps: PAP_LEVELS.map((value) => ({ value, selected: form.values.pap === value })),
        note: field('note', advisory ? 'advisoryDesk.fields.noteRevise' : 'advisoryDesk.fields.noteDraft'),
        title: field('title', 'advisoryDesk.fields.title'),
        tlp: field('tlp', 'advisoryDesk.fields.tlp', 'advisoryDesk.hints.tlp'),
        pap: field('pap', 'advisoryDesk.fields.pap', 'advisoryDesk.hints.pap'),
        summary: field('summary', 'advisoryDesk.fields.summary'),
        targetOrganisation: line('targetOrganisation'),
        lines: [
          line('affectedSystems'),
          line('recommendations'),
          line('references'),
          line('indicators'),
          line('relatedIncidents'),
          line('namedRecipients'),
          line('products'),
        ],
        vulnerabilities: Array.from({ length: shown }, (_, n) => {
          const part = (name: string, hint: string | null = null) =>
            field(`vulnerabilities.${n}.${name}`, `advisoryDesk.vuln.${name}`, hint);
          return {
            number: n + 1,
            cve: part('cve'),
            title: part('title'),
            description: part('description'),
            cvssScore: part('cvssScore', 'advisoryDesk.vuln.cvssScoreHint'),
            cvssVector: part('cvssVector'),
            knownAffected: part('knownAffected', 'advisoryDesk.vuln.productIdsHint'),
            fixed: part('fixed', 'advisoryDesk.vuln.productIdsHint'),
            remediationCategory: part('remediationCategory'),
            categories: REMEDIATION_CATEGORIES.map((value) => ({
              value,
              label: `advisoryDesk.remediation.${value}`,
              selected: form.values[`vulnerabilities.${n}.remediationCategory`] === value,
            })),
            remediationDetails: part('remediationDetails'),
            remediationUrl: part('remediationUrl'),
          };
        }),
        form,
      },
    };
  };

  /** The advisory page, with a refusal (four eyes, a conflict) said in words when there is one. */
  const advisoryView = async (
    actor: Actor,
    lang: Language,
    advisory: AdvisoryRecord,
    refusal: string | null = null,
    status = 200,
  ): Promise<PageView> => {
    const full = await deps.views.full(advisory);
    const latest = latestOf(advisory);
    const may = (permission: Parameters<typeof roleHas>[1]) =>
      actor.role !== 'system' && roleHas(actor.role, permission);
    const numbers = advisory.revisions.map((r) => r.number);
    return {
      view: 'advisories/show',
      title: 'advisoryDesk.showTitle',
      titleValues: { ref: advisory.ref },
      status,
      data: {
        advisory: {
          id: advisory.id,
          ref: advisory.ref,
          statusKey: statusKey(advisory),
          createdBy: advisory.createdBy.name,
          createdAt: advisory.createdAt,
          latestRevision: advisory.latestRevision,
        },
        latest: { ...revisionView(latest), content: contentView(latest.content) },
        refusal,
        can: { draft: may('advisory.draft'), approve: may('advisory.approve'), send: may('advisory.send') },
        approval: {
          revision: latest.number,
          approved: latest.approvedAt !== null,
          mine: latest.createdBy.userId === actor.userId,
        },
        revisions: [...advisory.revisions].reverse().map(revisionView),
        compare:
          numbers.length > 1
            ? {
                from: numbers.map((n) => ({ value: n, selected: n === numbers.length - 1 })),
                to: numbers.map((n) => ({ value: n, selected: n === numbers.length })),
              }
            : null,
        sends: [...advisory.sends].reverse().map((send) => ({
          revision: send.revision,
          lists: send.lists.join(', ') || null,
          count: send.recipients.length,
          at: send.at,
          by: send.by.name,
        })),
        deliveries: deliveriesView(advisory, full.deliveries),
      },
    };
  };

  return [
    definePage({
      method: 'get',
      path: '/console/advisories/drafts',
      permission: 'advisory.read',
      handler: async ({ actor }) => ({
        view: 'advisories/list',
        title: 'advisoryDesk.listTitle',
        data: {
          canDraft: actor.role !== 'system' && roleHas(actor.role, 'advisory.draft'),
          templates: DRAFT_TEMPLATES.map((value) => ({ value, label: `advisoryDesk.templates.${value}` })),
          advisories: (await deps.advisories.list(LIST_LIMIT)).map((advisory) => {
            const latest = latestOf(advisory);
            return {
              id: advisory.id,
              ref: advisory.ref,
              title: latest.content.title,
              tlp: latest.content.tlp,
              pap: latest.content.pap,
              latestRevision: advisory.latestRevision,
              statusKey: statusKey(advisory),
              updatedAt: advisory.updatedAt,
            };
          }),
        },
      }),
    }),
    // Before `/:id`, which would read "new" as an id.
    definePage({
      method: 'get',
      path: '/console/advisories/drafts/new',
      permission: 'advisory.draft',
      query: newQuery,
      handler: ({ lang, query }) =>
        composer(
          lang,
          { kind: 'new', template: query.template },
          formFromContent(DRAFT_DEFAULTS[query.template]),
        ),
    }),
    definePage({
      method: 'post',
      path: '/console/advisories/drafts/new',
      permission: 'advisory.draft',
      form: composerForm,
      handler: async ({ actor, lang, form, req }) => {
        const template = z.enum(DRAFT_TEMPLATES).catch('blank').parse(form.template);
        const checked = checkContent(contentFromForm(form), {});
        if (!checked.ok) return composer(lang, { kind: 'new', template }, form, checked.problems);
        const note = form.note?.trim();
        const advisory = await deps.advisories.draft(actor, {
          ...withoutEmptyOptionals(checked.given),
          template,
          ...(note ? { note } : {}),
        });
        req.session.notice = { key: 'advisoryDesk.drafted', values: { ref: advisory.ref } };
        return { redirect: `/console/advisories/drafts/${advisory.id}` };
      },
      invalid: ({ lang }, problems, values) =>
        composer(
          lang,
          { kind: 'new', template: z.enum(DRAFT_TEMPLATES).catch('blank').parse(values.template) },
          values,
          problems,
        ),
    }),
    definePage({
      method: 'get',
      path: '/console/advisories/drafts/:id',
      permission: 'advisory.read',
      params: advisoryParams,
      handler: async ({ actor, lang, params }) =>
        advisoryView(actor, lang, await deps.advisories.require(params.id)),
    }),
    definePage({
      method: 'get',
      path: '/console/advisories/drafts/:id/deliveries',
      permission: 'advisory.read',
      params: advisoryParams,
      handler: async ({ params }) => {
        const advisory = await deps.advisories.require(params.id);
        const full = await deps.views.full(advisory);
        return {
          view: 'advisories/deliveries',
          title: 'advisoryDesk.deliveries',
          data: { advisory: { id: advisory.id }, deliveries: deliveriesView(advisory, full.deliveries) },
        };
      },
    }),
    definePage({
      method: 'get',
      path: '/console/advisories/drafts/:id/revise',
      permission: 'advisory.draft',
      params: advisoryParams,
      handler: async ({ lang, params }) => {
        const advisory = await deps.advisories.require(params.id);
        const latest = latestOf(advisory);
        return composer(
          lang,
          { kind: 'revise', advisory, base: latest.number },
          formFromContent(latest.content),
        );
      },
    }),
    definePage({
      method: 'post',
      path: '/console/advisories/drafts/:id/revise',
      permission: 'advisory.draft',
      params: advisoryParams,
      form: composerForm,
      handler: async ({ actor, lang, params, form, req }) => {
        const advisory = await deps.advisories.require(params.id);
        const base = Number(form.baseRevision);
        const previous = advisory.revisions.find((r) => r.number === base);
        // The form says which revision it was opened at; without it nothing can be compared.
        if (!previous) throw new BadRequestError('The form does not say which revision it edits.');
        const mode = { kind: 'revise' as const, advisory, base };
        const checked = checkContent(contentFromForm(form), {});
        const note = form.note?.trim() ?? '';
        const problems: PageProblem[] = checked.ok ? [] : [...checked.problems];
        if (note === '') problems.push({ field: 'note', message: 'validation.required' });
        if (!checked.ok || problems.length > 0) return composer(lang, mode, form, problems);
        const changes = changedFields(previous.content, checked.content);
        if (Object.keys(changes).length === 0) {
          return composer(lang, mode, form, [{ field: 'form', message: 'advisoryDesk.nothingChanged' }]);
        }
        try {
          await deps.advisories.revise(actor, advisory.id, { baseRevision: base, note, changes });
        } catch (err) {
          if (!(err instanceof ConflictError) || err.code !== 'revision_conflict') throw err;
          // Someone saved a revision since this form was opened: nothing is overwritten.
          return {
            ...composer(lang, mode, form, [
              {
                field: 'form',
                message: 'advisoryDesk.revisionConflict',
                values: { base, latest: (await deps.advisories.require(advisory.id)).latestRevision },
              },
            ]),
            status: 409,
          };
        }
        req.session.notice = { key: 'advisoryDesk.revised', values: { ref: advisory.ref } };
        return { redirect: `/console/advisories/drafts/${advisory.id}` };
      },
      invalid: async ({ lang, params }, problems, values) => {
        const advisory = await deps.advisories.require(params.id);
        const base = Number(values.baseRevision) || advisory.latestRevision;
        return composer(lang, { kind: 'revise', advisory, base }, values, problems);
      },
    }),
    definePage({
      method: 'post',
      path: '/console/advisories/drafts/:id/approve',
      permission: 'advisory.approve',
      params: advisoryParams,
      form: approveForm,
      handler: async ({ actor, lang, params, form, req }) => {
        try {
          const advisory = await deps.advisories.approve(actor, params.id, form.revision);
          req.session.notice = {
            key: 'advisoryDesk.approved',
            values: { ref: advisory.ref, revision: form.revision },
          };
          return { redirect: `/console/advisories/drafts/${advisory.id}` };
        } catch (err) {
          if (!(err instanceof SelfApprovalError)) throw err;
          const advisory = await deps.advisories.require(params.id);
          const words = translator.t(lang, 'advisoryDesk.fourEyes', {
            revision: form.revision,
            ref: advisory.ref,
          });
          return advisoryView(actor, lang, advisory, words, 403);
        }
      },
    }),
    definePage({
      method: 'get',
      path: '/console/advisories/drafts/:id/preview',
      permission: 'advisory.read',
      params: advisoryParams,
      query: revisionQuery,
      handler: async ({ actor, params, query }) => {
        const advisory = await deps.advisories.require(params.id);
        const { revision, mail } = await deps.previews.preview(advisory.id, query.revision, {
          consoleBase: deps.publicUrl(),
          recipientName: actor.name,
        });
        return {
          view: 'advisories/preview',
          title: 'advisoryDesk.previewTitle',
          titleValues: { ref: advisory.ref, revision },
          data: {
            advisory: { id: advisory.id, ref: advisory.ref },
            revision,
            approved: (advisory.revisions.find((r) => r.number === revision)?.approvedAt ?? null) !== null,
            revisions: advisory.revisions.map((r) => ({ value: r.number, selected: r.number === revision })),
            subject: mail.subject,
            text: mail.text,
            htmlUrl: `/console/advisories/drafts/${advisory.id}/preview/html?revision=${revision}`,
          },
        };
      },
    }),
    definePage({
      method: 'get',
      path: '/console/advisories/drafts/:id/preview/html',
      permission: 'advisory.read',
      params: advisoryParams,
      query: revisionQuery,
      handler: async ({ actor, params, query, res }) => {
        const { mail } = await deps.previews.preview(params.id, query.revision, {
          consoleBase: deps.publicUrl(),
          recipientName: actor.name,
        });
        // The mail's own HTML as a document of its own, shown in a sandboxed frame of the preview page:
        // its inline styles are the mail's; no script, no form, nothing loaded from anywhere.
        res
          .set(
            'Content-Security-Policy',
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
          )
          .set('X-Frame-Options', 'SAMEORIGIN')
          .type('html')
          .send(mail.html);
        return { sent: true };
      },
    }),
    ...(['csaf', 'stix'] as const).map((format) =>
      definePage({
        method: 'get',
        path: `/console/advisories/drafts/:id/${format}`,
        permission: 'advisory.read',
        params: advisoryParams,
        query: revisionQuery,
        handler: async ({ actor, params, query, res }) => {
          const advisory = await deps.advisories.require(params.id);
          const document =
            format === 'csaf'
              ? await deps.exports.csaf(actor, advisory.id, query.revision)
              : await deps.exports.stix(actor, advisory.id, query.revision);
          res.attachment(`${advisory.ref}.${format}.json`).json(document);
          return { sent: true };
        },
      }),
    ),
    ...advisoryDiffPages(deps),
    ...advisorySendPages(deps),
  ];
}

/** Final states of a ledger row: the page stops refreshing once every row is in one. */
const SETTLED = new Set(['sent', 'failed']);

/**
 * Delivery status per recipient for the page and its refreshing script: `settled` once every
 * recipient of every send has a row in a final state.
 */
export function deliveriesView(
  advisory: AdvisoryRecord,
  rows: ReadonlyArray<{
    recipient: string;
    recipientName: string;
    revision: number;
    status: string;
    attempts: number;
    reason: string | null;
    sentAt: Date | null;
  }>,
) {
  const expected = new Set(advisory.sends.flatMap((s) => s.recipients.map((r) => `${s.revision} ${r}`)));
  const seen = new Set(rows.map((row) => `${row.revision} ${row.recipient}`));
  const settled = [...expected].every((key) => seen.has(key)) && rows.every((row) => SETTLED.has(row.status));
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  return {
    url: `/console/advisories/drafts/${advisory.id}/deliveries`,
    settled,
    waiting: [...expected].filter((key) => !seen.has(key)).length,
    summary: [...counts.entries()].map(([status, count]) => ({
      statusKey: `advisoryDesk.delivery.${status}`,
      count,
    })),
    rows: rows.map((row) => ({
      recipient: row.recipient,
      name: row.recipientName,
      revision: row.revision,
      statusKey: `advisoryDesk.delivery.${row.status}`,
      status: row.status,
      attempts: row.attempts,
      reason: row.reason,
      sentAt: row.sentAt,
    })),
  };
}
