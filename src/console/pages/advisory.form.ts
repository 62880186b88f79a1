import { isIP } from 'node:net';
import type { z } from 'zod';
import {
  INDICATOR_TYPES,
  advisoryContentSchema,
  type AdvisoryContent,
  type IndicatorType,
} from '../../advisories/index.js';
import type { PageProblem } from '../page.js';

/**
 * The advisory composer's form: every field of an advisory's content as flat urlencoded fields (lists
 * one item a line, vulnerabilities as numbered blocks), how those become the content the advisories
 * service takes, and the content shown back as the form's values. Problems land on the field that
 * caused them, a list's with the line number.
 */

/** The composer's submitted values: any field may be missing. */
export type FormValues = Readonly<Partial<Record<string, string>>>;

/** Fields whose value is one item a line. */
const LINE_FIELDS = [
  'affectedSystems',
  'recommendations',
  'references',
  'indicators',
  'relatedIncidents',
  'namedRecipients',
  'products',
] as const;
const VULN_PARTS = [
  'cve',
  'title',
  'description',
  'cvssScore',
  'cvssVector',
  'knownAffected',
  'fixed',
  'remediationCategory',
  'remediationDetails',
  'remediationUrl',
] as const;
export const REMEDIATION_CATEGORIES = ['mitigation', 'vendor_fix', 'workaround', 'none_available'] as const;
/** Most vulnerability blocks the form carries. */
export const MAX_VULN_BLOCKS = 20;

/** The form's field names; vulnerability blocks are `vulnerabilities.<n>.<part>`. */
export function composerFields(blocks: number): string[] {
  const vulns = Array.from({ length: blocks }, (_, n) => VULN_PARTS.map((p) => `vulnerabilities.${n}.${p}`));
  return [
    'template',
    'note',
    'title',
    'tlp',
    'pap',
    'summary',
    ...LINE_FIELDS,
    'targetOrganisation',
    ...vulns.flat(),
  ];
}

/** How many vulnerability blocks the composer shows: those filled in, and one empty for another. */
export function blocksShown(values: FormValues): number {
  let used = 0;
  for (const [key, value] of Object.entries(values)) {
    const match = /^vulnerabilities\.(\d+)\./.exec(key);
    if (match && value !== undefined && value.trim() !== '') used = Math.max(used, Number(match[1]) + 1);
  }
  return Math.min(MAX_VULN_BLOCKS, used + 1);
}

/** How many vulnerability blocks the submitted values use (at least `minimum`). */
export function blocksIn(values: FormValues, minimum = 1): number {
  let highest = -1;
  for (const key of Object.keys(values)) {
    const match = /^vulnerabilities\.(\d+)\./.exec(key);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return Math.min(MAX_VULN_BLOCKS, Math.max(minimum, highest + 1));
}

const lines = (text: string | undefined): string[] =>
  (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** `a | b | c` split on the bar, each part trimmed. */
const parts = (line: string): string[] => line.split('|').map((part) => part.trim());

/** An indicator line: `[type] value [| description]`; the type is read from the value's shape when left out. */
export function indicatorLine(line: string): { type: string; value: string; description?: string } {
  const [head = '', description] = parts(line);
  const [first = '', ...rest] = head.split(/\s+/);
  const named = (INDICATOR_TYPES as readonly string[]).includes(first.toLowerCase()) && rest.length > 0;
  const value = named ? rest.join(' ') : head;
  const type = named ? first.toLowerCase() : shapeOf(value);
  return { type, value, ...(description ? { description } : {}) };
}

function shapeOf(value: string): IndicatorType {
  const ip = isIP(value);
  if (ip === 4) return 'ipv4';
  if (ip === 6) return 'ipv6';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'url';
  if (value.includes('@')) return 'email';
  if (/^[0-9a-f]{32}$/i.test(value)) return 'md5';
  if (/^[0-9a-f]{40}$/i.test(value)) return 'sha1';
  if (/^[0-9a-f]{64}$/i.test(value)) return 'sha256';
  return 'domain';
}

/** A named recipient line: `Name <address>`, `Name | address`, or an address alone. */
function recipientLine(line: string): { name: string; address: string } {
  const angled = /^(.*)<([^>]+)>$/.exec(line);
  if (angled) return { name: angled[1].trim() || angled[2].trim(), address: angled[2].trim() };
  const split = parts(line);
  const a = split.at(0) ?? '';
  const b = split.at(1);
  return b === undefined ? { name: a, address: a } : { name: a, address: b };
}

/** A reference line: `title | url`, or a URL alone (its own title). */
function referenceLine(line: string): { title: string; url: string } {
  const split = parts(line);
  const a = split.at(0) ?? '';
  const b = split.at(1);
  return b === undefined ? { title: a, url: a } : { title: a, url: b };
}

/** A product line: `productId | name [| cpe]`. */
function productLine(line: string): Record<string, string> {
  const [productId = '', name = '', cpe] = parts(line);
  return { productId, name, ...(cpe ? { cpe } : {}) };
}

const ids = (text: string | undefined): string[] =>
  (text ?? '')
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => id !== '');

/**
 * The content the form's values say, every field present that the person filled in (empty fields are
 * left out, so a draft takes its template's and a revision its previous revision's).
 */
export function contentFromForm(values: FormValues): Record<string, unknown> {
  const v = (name: string): string | undefined => {
    const value = values[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const listOf = <T>(name: string, parse: (line: string) => T): T[] => lines(values[name]).map(parse);
  const content: Record<string, unknown> = {
    title: v('title'),
    tlp: v('tlp'),
    pap: v('pap'),
    summary: v('summary'),
    affectedSystems: lines(values.affectedSystems),
    recommendations: lines(values.recommendations),
    references: listOf('references', referenceLine),
    indicators: listOf('indicators', indicatorLine),
    relatedIncidents: ids(values.relatedIncidents),
    targetOrganisation: v('targetOrganisation'),
    namedRecipients: listOf('namedRecipients', recipientLine),
    products: listOf('products', productLine),
    vulnerabilities: vulnerabilitiesFrom(values),
  };
  return content;
}

function vulnerabilitiesFrom(values: FormValues): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  for (let n = 0; n < blocksIn(values, 0); n++) {
    const v = (part: string): string | undefined => {
      const value = values[`vulnerabilities.${n}.${part}`]?.trim();
      return value === undefined || value === '' ? undefined : value;
    };
    if (VULN_PARTS.every((part) => v(part) === undefined)) continue;
    const score = v('cvssScore');
    const vector = v('cvssVector');
    const category = v('remediationCategory');
    const details = v('remediationDetails');
    const url = v('remediationUrl');
    const fixed = ids(v('fixed'));
    found.push({
      ...(v('cve') ? { cve: v('cve') } : {}),
      title: v('title'),
      description: v('description'),
      ...(score !== undefined || vector !== undefined
        ? { cvssV4: { baseScore: score === undefined ? undefined : Number(score), vectorString: vector } }
        : {}),
      knownAffected: ids(v('knownAffected')),
      ...(fixed.length > 0 ? { fixed } : {}),
      ...(category !== undefined || details !== undefined || url !== undefined
        ? { remediation: { category, details, ...(url ? { url } : {}) } }
        : {}),
      // Remembered so a problem lands on the block the person typed it in.
      block: n,
    });
  }
  return found;
}

/** The content's vulnerabilities without the form's block numbers. */
function withoutBlocks(content: Record<string, unknown>): Record<string, unknown> {
  const vulns = content.vulnerabilities as Array<Record<string, unknown>> | undefined;
  if (!vulns) return content;
  return { ...content, vulnerabilities: vulns.map(({ block: _block, ...rest }) => rest) };
}

const VULN_FIELD: Partial<Record<string, string>> = {
  cve: 'cve',
  title: 'title',
  description: 'description',
  cvssV4: 'cvssScore',
  knownAffected: 'knownAffected',
  fixed: 'fixed',
  remediation: 'remediationDetails',
};

/** The schema's issues as problems on the form's fields (lists with their line number). */
function contentProblems(
  issues: readonly z.core.$ZodIssue[],
  vulns: ReadonlyArray<Record<string, unknown>>,
): PageProblem[] {
  return issues.map((issue) => {
    const path = issue.path.map(String);
    const field = path.at(0) ?? 'form';
    const [index, part, sub] = [path.at(1), path.at(2), path.at(3)];
    if (field === 'vulnerabilities' && index !== undefined && part !== undefined) {
      const entry = vulns.at(Number(index));
      const block = Number(entry?.block ?? index);
      let name = VULN_FIELD[part] ?? 'title';
      if (part === 'cvssV4' && sub === 'vectorString') name = 'cvssVector';
      if (part === 'remediation' && sub === 'category') name = 'remediationCategory';
      if (part === 'remediation' && sub === 'url') name = 'remediationUrl';
      return { field: `vulnerabilities.${block}.${name}`, ...messageOf(issue) };
    }
    if ((LINE_FIELDS as readonly string[]).includes(field) && index !== undefined) {
      return { field, message: 'advisoryDesk.validation.line', values: { line: Number(index) + 1 } };
    }
    return { field, ...messageOf(issue) };
  });
}

function messageOf(issue: z.core.$ZodIssue): Omit<PageProblem, 'field'> {
  switch (issue.code) {
    case 'too_small':
      return { message: 'validation.required' };
    case 'too_big':
      return { message: 'validation.tooLong', values: { maximum: Number(issue.maximum) } };
    case 'invalid_value':
      return { message: 'validation.choice' };
    case 'invalid_type':
      return { message: issue.input === undefined ? 'validation.required' : 'validation.invalid' };
    default:
      return { message: 'validation.invalid' };
  }
}

/** The whole content once merged over `base` (a template's defaults or the previous revision), or problems. */
export function checkContent(
  fields: Record<string, unknown>,
  base: Partial<AdvisoryContent>,
):
  | { ok: true; content: AdvisoryContent; given: Record<string, unknown> }
  | { ok: false; problems: PageProblem[] } {
  const vulns = (fields.vulnerabilities as Array<Record<string, unknown>> | undefined) ?? [];
  const given = Object.fromEntries(
    Object.entries(withoutBlocks(fields)).filter(([, value]) => value !== undefined),
  );
  const parsed = advisoryContentSchema.safeParse({ ...base, ...given });
  if (!parsed.success) return { ok: false, problems: contentProblems(parsed.error.issues, vulns) };
  return { ok: true, content: parsed.data, given };
}

/** The fields of `next` that differ from `previous` (a revision's changes). */
export function changedFields(previous: AdvisoryContent, next: AdvisoryContent): Partial<AdvisoryContent> {
  const changes: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]) as Set<keyof AdvisoryContent>;
  // An empty list and a list never given say the same; key order says nothing.
  const shown = (value: unknown): string =>
    JSON.stringify(
      value === undefined || (Array.isArray(value) && value.length === 0) ? null : sorted(value),
    );
  for (const key of keys) {
    const before = shown(previous[key]);
    const after = shown(next[key]);
    if (before !== after && next[key] !== undefined) changes[key] = next[key];
  }
  return changes;
}

/** `value` with every object's keys in order, for comparing stored content with a form's. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, sorted(v)]),
  );
}

/** A draft's content without the optional lists left empty (as the API's drafts leave them out). */
export function withoutEmptyOptionals(given: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(given).filter(
      ([key, value]) =>
        !['namedRecipients', 'products', 'vulnerabilities'].includes(key) ||
        !Array.isArray(value) ||
        value.length > 0,
    ),
  );
}

/** Content shown as the form's values (the composer opened on a revision or a template). */
export function formFromContent(content: Partial<AdvisoryContent>): Record<string, string> {
  const values: Record<string, string> = {
    title: content.title ?? '',
    tlp: content.tlp ?? '',
    pap: content.pap ?? '',
    summary: content.summary ?? '',
    affectedSystems: (content.affectedSystems ?? []).join('\n'),
    recommendations: (content.recommendations ?? []).join('\n'),
    references: (content.references ?? []).map((r) => `${r.title} | ${r.url}`).join('\n'),
    indicators: (content.indicators ?? [])
      .map((i) => `${i.type} ${i.value}${i.description ? ` | ${i.description}` : ''}`)
      .join('\n'),
    relatedIncidents: (content.relatedIncidents ?? []).join('\n'),
    targetOrganisation: content.targetOrganisation ?? '',
    namedRecipients: (content.namedRecipients ?? []).map((r) => `${r.name} <${r.address}>`).join('\n'),
    products: (content.products ?? [])
      .map((p) => [p.productId, p.name, ...(p.cpe ? [p.cpe] : [])].join(' | '))
      .join('\n'),
  };
  (content.vulnerabilities ?? []).forEach((vuln, n) => {
    const at = (part: string, value: string | undefined) => {
      values[`vulnerabilities.${n}.${part}`] = value ?? '';
    };
    at('cve', vuln.cve);
    at('title', vuln.title);
    at('description', vuln.description);
    at('cvssScore', vuln.cvssV4 ? String(vuln.cvssV4.baseScore) : '');
    at('cvssVector', vuln.cvssV4?.vectorString);
    at('knownAffected', vuln.knownAffected.join(', '));
    at('fixed', (vuln.fixed ?? []).join(', '));
    at('remediationCategory', vuln.remediation?.category);
    at('remediationDetails', vuln.remediation?.details);
    at('remediationUrl', vuln.remediation?.url);
  });
  return values;
}

/** Content as text lines by field, for the diff between two revisions (lists one item a line). */
export function contentLines(content: AdvisoryContent): Array<{ field: string; lines: string[] }> {
  const values = formFromContent(content);
  const fields = composerFields((content.vulnerabilities ?? []).length).filter(
    (f) => f !== 'template' && f !== 'note',
  );
  return fields.map((field) => {
    const text = Object.hasOwn(values, field) ? values[field] : '';
    return { field, lines: text.split('\n').filter((l) => l !== '') };
  });
}
