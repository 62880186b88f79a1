import { z } from 'zod';
import { TLP_LEVELS } from '../platform/index.js';
import { isValidZone, type Span } from '../clocks/calendar/index.js';
import { conditionSchema } from './condition.schema.js';
import { parseDuration, parseSpan } from './duration.parser.js';
import { CATEGORIES, LEVELS, RECOVERABILITY } from './triage-input.js';
import {
  CHAIN_RECORDS,
  CLOCK_STARTS,
  REPEAT_UNTIL,
  RSIT_CLASSES,
  SEVERITIES,
} from './triage-decision.types.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case id (a-z, 0-9, -)');
const name = z.string().min(1);
const description = z.string().min(1).optional();

const duration = z.unknown().transform((raw, ctx): number => {
  const seconds = parseDuration(raw);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 90s, 15m, 48h, 14d, 1w or 1h30m' });
    return z.NEVER;
  }
  return seconds;
});
const SPAN_HINT =
  'expected a duration such as 90s, 15m, 48h, 14d, 1w or 1h30m, or "5 business days", "1 month", "3 months"';
const span = z.unknown().transform((raw, ctx): Span => {
  const parsed = parseSpan(raw);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: SPAN_HINT });
    return z.NEVER;
  }
  return parsed;
});
type BySeverity = Partial<Record<(typeof SEVERITIES)[number], Span>>;

/**
 * A clock length, or one per severity (a severity left out means the clock does not apply to it):
 * fixed, in business days or in calendar months.
 */
const spanBySeverity = z.unknown().transform((raw, ctx): Span | BySeverity => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const parsed = parseSpan(raw);
    if (parsed !== undefined) return parsed;
    ctx.addIssue({ code: 'custom', message: `${SPAN_HINT}, or one per severity` });
    return z.NEVER;
  }
  const out: BySeverity = {};
  for (const [key, value] of Object.entries(raw)) {
    const parsed = parseSpan(value);
    const severity = SEVERITIES.find((s) => s === key);
    if (severity === undefined)
      ctx.addIssue({ code: 'custom', message: `unknown severity "${key}"`, path: [key] });
    else if (parsed === undefined) ctx.addIssue({ code: 'custom', message: SPAN_HINT, path: [key] });
    else out[severity] = parsed;
  }
  return out;
});

/** Conditions in each section, with the derived fields that section cannot see yet. */
const when = conditionSchema();
const whenBeforeSeverity = conditionSchema(new Set(['severity']));
const whenBeforeReportable = conditionSchema(new Set(['severity', 'reportable']));

const manifest = z.strictObject({
  /** Must equal the pack's directory name. */
  id,
  name,
  description,
  /** Regime name the pack implements; the pack applies when the incident names it. */
  regime: z.string().regex(/^[A-Z0-9][A-Z0-9-]*$/, 'expected an upper-case regime name'),
  /** The default pack applies to every incident and owns categories, routing and escalation. */
  default: z.boolean().default(false),
  /** A disabled pack is validated and versioned but never applied (e.g. a proposed law). */
  enabled: z.boolean().default(true),
  /**
   * IANA time zone the regime counts days and months in: `Asia/Hong_Kong` for Hong Kong regimes,
   * `UTC` where the law counts from an instant and names no zone. Stated, never assumed.
   */
  timeZone: z
    .string({ error: 'state the IANA time zone the regime counts in, e.g. Asia/Hong_Kong or UTC' })
    .refine(isValidZone, 'expected an IANA time zone such as Asia/Hong_Kong or UTC'),
  /** Business-day calendar (`calendars/<id>.yaml`) for clocks counted in business days. */
  calendar: id.optional(),
});

const category = z.strictObject({
  name,
  reportable: z.boolean(),
  rsit: z.enum(RSIT_CLASSES),
  description,
});

const reportabilityRule = z.strictObject({
  id,
  reportable: z.boolean(),
  when: whenBeforeReportable,
  description,
});
const severityRule = z.strictObject({
  id,
  severity: z.enum(SEVERITIES),
  when: whenBeforeSeverity,
  description,
});
const adjustment = z.strictObject({
  id,
  raise: z.number().int().min(1).max(3),
  when: whenBeforeSeverity,
  description,
});

const severity = z.strictObject({
  /** Severity when no rule matches; default pack only. */
  default: z.enum(SEVERITIES).optional(),
  /** All matching rules are named in the reasons; the most severe one wins. */
  rules: z.array(severityRule).default([]),
  /** Applied after the rules, each matching one raising the severity (capped at S1). */
  adjustments: z.array(adjustment).default([]),
  /** Applied last; the first match sets the severity outright (e.g. not reportable gives S4). */
  overrides: z.array(severityRule).default([]),
});

const routing = z.strictObject({
  default: id,
  /** First match wins. */
  rules: z.array(z.strictObject({ id, queue: id, when, description })).default([]),
});

/** `startsFrom`: an incident time, or `{ met: <obligation> }` for a clock chained to another report. */
const startsFrom = z.union([
  z.enum(CLOCK_STARTS),
  z.strictObject({
    met: z.string().regex(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/, 'expected a dotted obligation name'),
    /** Which record of that obligation starts the clock: the first (default) or the latest. */
    record: z.enum(CHAIN_RECORDS).default('first'),
  }),
]);

const clock = z.strictObject({
  id,
  name,
  /**
   * The name in Traditional Chinese (Hong Kong usage), shown on the console's zh-HK pages. Optional
   * here so a pack under review may lack it; every pack shipped in policies/ must have it (a unit test
   * checks), else a bureau reading in Chinese sees the English name.
   */
  nameZh: z.string().trim().min(1).optional(),
  obligation: z.string().regex(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/, 'expected a dotted obligation name'),
  startsFrom,
  duration: spanBySeverity,
  warnBefore: spanBySeverity.default({ seconds: 0 }),
  /** A deadline the due time never passes, counted from another incident time (DORA's 24 h). */
  cap: z.strictObject({ after: span, from: z.enum(CLOCK_STARTS) }).optional(),
  repeat: z.strictObject({ every: span, until: z.enum(REPEAT_UNTIL) }).optional(),
  /**
   * The report filed through this system meets this clock (its first occurrence), at the time it was
   * filed: GovCERT runs GIRO-SO, so a bureau's report here is its initial report to GIRO-SO. False
   * where the regime wants a separate report (a phone call) recorded as an obligation.
   */
  metByFiling: z.boolean().default(false),
  when: when.optional(),
  description,
});

const notification = z.strictObject({
  id,
  to: id,
  /** Mail template the party gets: outside parties have their own, never the CERT's triage mail. */
  template: id,
  /**
   * TLP 2.0 label of the mail (subject and banner): how far the party may share it. Required, so a
   * route to a new outside party cannot be written without deciding that.
   */
  tlp: z.enum(TLP_LEVELS, { error: `expected a TLP 2.0 level: ${TLP_LEVELS.join(', ')}` }),
  mandatory: z.boolean().default(true),
  /** Id of a clock of the same pack that times this notification. */
  clock: id.optional(),
  when: when.optional(),
  description,
});

const ladder = z.strictObject({
  id,
  /** First matching ladder wins; at most one ladder applies. */
  when: when.optional(),
  startsFrom: z.enum(CLOCK_STARTS),
  steps: z.array(
    z.strictObject({
      after: duration,
      every: duration.optional(),
      notify: z.array(id).min(1),
      when: when.optional(),
    }),
  ),
  /** Roles told at once when any clock of the incident breaches. */
  onBreach: z.array(id).default([]),
  description,
});

/**
 * How triage reads a fact the report gives as "unknown": `worst` (high, not recoverable) errs on the
 * side of severity; a named value reads it as that. Default pack only, so one decision never reads the
 * same fact two ways (S1 under one pack's reading, routed under another's).
 */
const unknownFacts = z.strictObject({
  /** For each of confidentiality, integrity, availability and Government image. */
  impact: z.enum(['worst', ...LEVELS]),
  recoverability: z.enum(['worst', ...RECOVERABILITY]),
  description,
});

/** One YAML file of a pack: any subset of the sections, each section in one file of the pack only. */
export const packFileSchema = z.strictObject({
  pack: manifest.optional(),
  categories: z.record(z.enum(CATEGORIES), category).optional(),
  reportability: z.array(reportabilityRule).optional(),
  severity: severity.optional(),
  routing: routing.optional(),
  clocks: z.array(clock).optional(),
  notifications: z.array(notification).optional(),
  escalation: z.array(ladder).optional(),
  unknown: unknownFacts.optional(),
});
export type PackFile = z.output<typeof packFileSchema>;
export type PackSection = keyof PackFile;
export type ClockRule = z.output<typeof clock>;
export type NotificationRule = z.output<typeof notification>;
export type LadderRule = z.output<typeof ladder>;
export type SeverityRule = z.output<typeof severityRule>;
export type SpanBySeverity = z.output<typeof spanBySeverity>;
