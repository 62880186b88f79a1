import { diffArrays } from 'diff';
import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import type { AdvisoryService } from '../../advisories/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage } from '../page.js';
import { contentLines } from './advisory.form.js';

export interface AdvisoryDiffDeps {
  advisories: Pick<AdvisoryService, 'require' | 'revisionOf'>;
  translator: Translator;
}

const params = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });
const query = z.object({
  from: z.coerce.number().int().min(1).optional(),
  to: z.coerce.number().int().min(1).optional(),
});

/** A field's label: its composer label, a vulnerability's part with the block's number. */
function fieldLabel(translator: Translator, lang: Language, field: string): string {
  const vuln = /^vulnerabilities\.(\d+)\.(\w+)$/.exec(field);
  if (vuln) {
    return translator.t(lang, 'advisoryDesk.diff.vulnField', {
      number: Number(vuln[1]) + 1,
      part: translator.t(lang, `advisoryDesk.vuln.${vuln[2]}`),
    });
  }
  return translator.t(lang, `advisoryDesk.fields.${field}`);
}

/**
 * The difference between two revisions of an advisory, field by field (lists item by item, with the
 * `diff` library's sequence comparison): what was removed and what was added, unchanged lines around
 * them. Default: the latest revision against the one before it.
 */
export function advisoryDiffPages(deps: AdvisoryDiffDeps): AnyPage[] {
  const { translator } = deps;
  return [
    definePage({
      method: 'get',
      path: '/console/advisories/drafts/:id/diff',
      permission: 'advisory.read',
      params,
      query,
      handler: async ({ lang, params: { id }, query: wanted }) => {
        const advisory = await deps.advisories.require(id);
        const to = wanted.to ?? advisory.latestRevision;
        const from = wanted.from ?? Math.max(1, to - 1);
        const before = contentLines(deps.advisories.revisionOf(advisory, from).content);
        const after = contentLines(deps.advisories.revisionOf(advisory, to).content);
        const fields = [...new Set([...before, ...after].map((f) => f.field))];
        const linesOf = (list: typeof before, field: string) =>
          list.find((f) => f.field === field)?.lines ?? [];
        const changed = fields
          .map((field) => {
            const parts = diffArrays(linesOf(before, field), linesOf(after, field));
            const lines = parts.flatMap((part) =>
              part.value.map((text) => ({
                text,
                kind: part.added ? 'added' : part.removed ? 'removed' : 'same',
                added: part.added,
                removed: part.removed,
              })),
            );
            return { field, label: fieldLabel(translator, lang, field), lines };
          })
          .filter((f) => f.lines.some((line) => line.kind !== 'same'));
        const numbers = advisory.revisions.map((r) => r.number);
        return {
          view: 'advisories/diff',
          title: 'advisoryDesk.diff.title',
          titleValues: { ref: advisory.ref, from, to },
          data: {
            advisory: { id: advisory.id, ref: advisory.ref },
            from,
            to,
            fromOptions: numbers.map((value) => ({ value, selected: value === from })),
            toOptions: numbers.map((value) => ({ value, selected: value === to })),
            fields: changed,
            unchanged: fields.length - changed.length,
          },
        };
      },
    }),
  ];
}
