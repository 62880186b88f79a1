import { isIP } from 'node:net';
import type { z } from 'zod';
import { CATEGORIES } from '../../triage/index.js';
import { MAX_INDICATORS, createIncidentSchema } from '../../incidents/index.js';
import { pageProblems, type PageProblem } from '../page.js';

/**
 * The report form of the bureau portal: which fields each step shows, and how the flat urlencoded
 * form becomes the API's report body. Field names are the body's own paths (`times.awareAt`), so a
 * problem the schema or the service finds lands next to the field that caused it.
 */

type Kind = 'text' | 'email' | 'tel' | 'number' | 'datetime' | 'textarea' | 'select' | 'checks';

export interface ReportField {
  name: string;
  kind: Kind;
  required?: boolean;
  /** Choices of a select: value and the message key of its label (`''` is "Choose…"). */
  options?: ReadonlyArray<{ value: string; label: string }>;
  /** Boxes of a `checks` group: each its own form field (`flags.suspectedCrime`). */
  boxes?: ReadonlyArray<{ name: string; label: string }>;
  autocomplete?: string;
}

const opts = (values: readonly string[], group: string) =>
  values.map((value) => ({ value, label: `portal.report.${group}.${value}` }));
const LEVELS = ['none', 'low', 'medium', 'high'] as const;
const UNKNOWN = { value: 'unknown', label: 'portal.report.unknown' };
const YES_NO = [
  { value: 'yes', label: 'portal.report.yes' },
  { value: 'no', label: 'portal.report.no' },
];
const impactLevel = (name: string): ReportField => ({
  name,
  kind: 'select',
  required: true,
  options: [...opts(LEVELS, 'levels'), UNKNOWN],
});
export const ASSET_KINDS = ['email', 'hardware', 'data', 'network', 'software', 'website'] as const;
export const FLAG_NAMES = [
  'suspectedCrime',
  'mediaInterest',
  'capSerious',
  'falsePositive',
  'ransomPaid',
] as const;
/** Regimes a bureau may add to its own (HK-GOV always applies). */
export const EXTRA_REGIMES = ['HK-CI', 'NIS2', 'GDPR'] as const;
const PARTIES = ['none', 'police', 'pcpd', 'security-bureau', 'hkcert', 'ogcio', 'other'] as const;

/** The four steps of the report, in order. */
export const REPORT_STEPS: ReadonlyArray<{ key: string; fields: readonly ReportField[] }> = [
  {
    key: 'what',
    fields: [
      { name: 'title', kind: 'text', required: true },
      { name: 'description', kind: 'textarea', required: true },
      { name: 'category', kind: 'select', required: true, options: opts(CATEGORIES, 'categories') },
    ],
  },
  {
    key: 'when',
    fields: [
      { name: 'times.occurredAt', kind: 'datetime' },
      { name: 'times.discoveredAt', kind: 'datetime', required: true },
      { name: 'times.awareAt', kind: 'datetime' },
      { name: 'times.containedAt', kind: 'datetime' },
      { name: 'times.resolvedAt', kind: 'datetime' },
      { name: 'times.classifiedMajorAt', kind: 'datetime' },
      { name: 'times.ransomPaidAt', kind: 'datetime' },
    ],
  },
  {
    key: 'impact',
    fields: [
      { name: 'system.tier', kind: 'select', required: true, options: opts(['1', '2', '3'], 'tiers') },
      { name: 'system.criticalEService', kind: 'select', required: true, options: YES_NO },
      {
        name: 'system.operatedBy',
        kind: 'select',
        required: true,
        options: opts(['in_house', 'outsourced'], 'operators'),
      },
      {
        name: 'assetsAffected',
        kind: 'checks',
        boxes: ASSET_KINDS.map((a) => ({ name: `assetsAffected.${a}`, label: `portal.report.assets.${a}` })),
      },
      impactLevel('impact.confidentiality'),
      impactLevel('impact.integrity'),
      impactLevel('impact.availability'),
      impactLevel('impact.governmentImage'),
      { name: 'functionalImpact', kind: 'select', required: true, options: opts(LEVELS, 'levels') },
      {
        name: 'informationImpact',
        kind: 'select',
        required: true,
        options: opts(['none', 'privacy', 'proprietary', 'integrity'], 'informationImpacts'),
      },
      {
        name: 'recoverability',
        kind: 'select',
        required: true,
        options: [
          ...opts(['regular', 'supplemented', 'extended', 'not_recoverable'], 'recoverability'),
          UNKNOWN,
        ],
      },
      {
        name: 'classifiedData',
        kind: 'select',
        required: true,
        options: opts(['none', 'restricted', 'confidential'], 'classifications'),
      },
      { name: 'personalDataInvolved', kind: 'select', required: true, options: YES_NO },
      { name: 'peopleAffected.staff', kind: 'number' },
      { name: 'peopleAffected.citizens', kind: 'number' },
      {
        name: 'flags',
        kind: 'checks',
        boxes: FLAG_NAMES.map((f) => ({ name: `flags.${f}`, label: `portal.report.flags.${f}` })),
      },
      {
        name: 'regimes',
        kind: 'checks',
        // Regime codes are names, like TLP labels: the same in every language.
        boxes: EXTRA_REGIMES.map((r) => ({ name: `regimes.${r}`, label: r })),
      },
    ],
  },
  {
    key: 'who',
    fields: [
      { name: 'reporter.name', kind: 'text', required: true, autocomplete: 'name' },
      { name: 'reporter.email', kind: 'email', required: true, autocomplete: 'email' },
      { name: 'reporter.phone', kind: 'tel', autocomplete: 'tel' },
      { name: 'reporter.post', kind: 'text', autocomplete: 'organization-title' },
      { name: 'contacts.0.name', kind: 'text', autocomplete: 'off' },
      { name: 'contacts.0.email', kind: 'email', autocomplete: 'off' },
      { name: 'contacts.0.phone', kind: 'tel', autocomplete: 'off' },
      { name: 'indicators', kind: 'textarea' },
      { name: 'externalNotified.0.party', kind: 'select', options: opts(PARTIES, 'parties') },
      { name: 'externalNotified.0.at', kind: 'datetime' },
      { name: 'externalNotified.0.reference', kind: 'text', autocomplete: 'off' },
      {
        name: 'giroPhoned',
        kind: 'checks',
        boxes: [{ name: 'giroPhoned', label: 'portal.report.fields.giroPhoned' }],
      },
      { name: 'giroPhonedAt', kind: 'datetime' },
    ],
  },
];

/** Every field name a problem may point at, boxes included. */
export const REPORT_FIELD_NAMES: readonly string[] = REPORT_STEPS.flatMap((step) =>
  step.fields.flatMap((field) => [field.name, ...(field.boxes ?? []).map((box) => box.name)]),
);

/** What the form adds to the report: the phone call to GIRO-SO, recorded as met once filed. */
export interface ReportSubmission {
  input: z.output<typeof createIncidentSchema>;
  giroPhonedAt: Date | null;
}

/** `2026-12-02T14:05` typed in a datetime-local field is Hong Kong time (UTC+8, no summer time). */
export function hongKongTime(value: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00+08:00` : value;
}

/** An indicator line: `type value`, or a value whose type is plain from its shape. */
export function indicatorOf(line: string): { type: string; value: string } {
  const [first = '', ...rest] = line.split(/\s+/);
  const named = ['ip', 'ipv4', 'ipv6', 'domain', 'url', 'hash', 'md5', 'sha1', 'sha256', 'email'];
  if (rest.length > 0 && named.includes(first.toLowerCase())) {
    return { type: first.toLowerCase(), value: rest.join(' ') };
  }
  if (isIP(line)) return { type: 'ip', value: line };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(line)) return { type: 'url', value: line };
  if (line.includes('@')) return { type: 'email', value: line };
  if (/^[0-9a-f]{32}$|^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(line)) return { type: 'hash', value: line };
  return { type: 'domain', value: line };
}

const blank = (value: string | undefined): value is undefined => value === undefined || value.trim() === '';

/**
 * The report body from the form's values, checked by the API's own schema: either the input (and the
 * GIRO-SO phone time) or the problems by field, as catalogue keys.
 */
export function parseReportForm(
  values: Readonly<Partial<Record<string, string>>>,
): { ok: true; value: ReportSubmission } | { ok: false; problems: PageProblem[] } {
  const v = (name: string): string | undefined => {
    const value = values[name];
    return blank(value) ? undefined : value.trim();
  };
  const time = (name: string): string | undefined => {
    const value = v(name);
    return value === undefined ? undefined : hongKongTime(value);
  };
  const yesNo = (name: string): boolean | string | undefined => {
    const value = v(name);
    return value === 'yes' ? true : value === 'no' ? false : value;
  };
  const count = (name: string): number | string | undefined => {
    const value = v(name);
    return value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : value;
  };
  const tier = v('system.tier');
  const lines = (values.indicators ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const otherContact = ['name', 'email', 'phone'].some((f) => v(`contacts.0.${f}`) !== undefined);
  const party = v('externalNotified.0.party');
  const body = {
    title: v('title'),
    description: v('description'),
    category: v('category'),
    times: Object.fromEntries(
      [
        'occurredAt',
        'discoveredAt',
        'awareAt',
        'containedAt',
        'resolvedAt',
        'classifiedMajorAt',
        'ransomPaidAt',
      ]
        .map((name) => [name, time(`times.${name}`)] as const)
        .filter(([, value]) => value !== undefined),
    ),
    system: {
      tier: tier && /^[123]$/.test(tier) ? Number(tier) : tier,
      criticalEService: yesNo('system.criticalEService'),
      operatedBy: v('system.operatedBy'),
    },
    assetsAffected: ASSET_KINDS.filter((a) => v(`assetsAffected.${a}`) !== undefined),
    impact: {
      confidentiality: v('impact.confidentiality'),
      integrity: v('impact.integrity'),
      availability: v('impact.availability'),
      governmentImage: v('impact.governmentImage'),
    },
    functionalImpact: v('functionalImpact'),
    informationImpact: v('informationImpact'),
    recoverability: v('recoverability'),
    classifiedData: v('classifiedData'),
    personalDataInvolved: yesNo('personalDataInvolved'),
    peopleAffected: {
      staff: count('peopleAffected.staff') ?? 0,
      citizens: count('peopleAffected.citizens') ?? 0,
    },
    flags: Object.fromEntries(FLAG_NAMES.map((f) => [f, v(`flags.${f}`) !== undefined])),
    regimes: EXTRA_REGIMES.filter((r) => v(`regimes.${r}`) !== undefined),
    reporter: {
      name: v('reporter.name'),
      email: v('reporter.email'),
      ...(v('reporter.phone') ? { phone: v('reporter.phone') } : {}),
      ...(v('reporter.post') ? { post: v('reporter.post') } : {}),
    },
    contacts: otherContact
      ? [
          {
            name: v('contacts.0.name'),
            email: v('contacts.0.email'),
            ...(v('contacts.0.phone') ? { phone: v('contacts.0.phone') } : {}),
          },
        ]
      : [],
    indicators: lines.map(indicatorOf),
    externalNotified:
      party && party !== 'none'
        ? [
            {
              party,
              at: time('externalNotified.0.at'),
              ...(v('externalNotified.0.reference') ? { reference: v('externalNotified.0.reference') } : {}),
            },
          ]
        : [],
  };
  const problems: PageProblem[] = [];
  const giroTicked = v('giroPhoned') !== undefined;
  let giroPhonedAt: Date | null = null;
  if (giroTicked) {
    const at = time('giroPhonedAt');
    const date = at === undefined ? null : new Date(at);
    if (!date || Number.isNaN(date.getTime())) {
      problems.push({ field: 'giroPhonedAt', message: 'portal.validation.giroPhonedAt' });
    } else if (date.getTime() > Date.now() + 5 * 60_000) {
      problems.push({ field: 'giroPhonedAt', message: 'portal.validation.future' });
    } else giroPhonedAt = date;
  }
  const parsed = createIncidentSchema.safeParse(body);
  if (!parsed.success) problems.push(...reportProblems(parsed.error.issues));
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { input: parsed.data, giroPhonedAt } };
}

/** The schema's issues in the form's words: each on the field that caused it. */
function reportProblems(issues: readonly z.core.$ZodIssue[]): PageProblem[] {
  const generic = pageProblems(issues);
  return issues.map((issue, i) => {
    const path = issue.path.map(String);
    const field = path.join('.');
    if (path[0] === 'indicators') {
      return path.length > 1
        ? {
            field: 'indicators',
            message: 'portal.validation.indicatorLine',
            values: { line: Number(path[1]) + 1 },
          }
        : {
            field: 'indicators',
            message: 'portal.validation.tooManyIndicators',
            values: { maximum: MAX_INDICATORS },
          };
    }
    if (path[0] === 'times' || field === 'externalNotified.0.at') {
      if (issue.input === undefined) {
        return {
          field,
          message: field.endsWith('.at') ? 'portal.validation.partyAt' : 'validation.required',
        };
      }
      return {
        field,
        message:
          issue.message === 'must not be in the future'
            ? 'portal.validation.future'
            : 'portal.validation.time',
      };
    }
    if (path[0] === 'peopleAffected') return { field, message: 'portal.validation.number' };
    if (field.endsWith('.phone')) return { field, message: 'portal.validation.phone' };
    const fallback = generic[i] ?? { field, message: 'validation.invalid' };
    // A value of the wrong kind that was given is invalid, not missing.
    if (issue.code === 'invalid_type' && issue.input !== undefined)
      return { field, message: 'validation.invalid' };
    return { ...fallback, field };
  });
}
