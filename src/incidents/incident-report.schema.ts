import { z } from 'zod';
import { triageInputSchema } from '../triage/index.js';
import {
  INDICATOR_INPUT_TYPES,
  IndicatorError,
  dedupeIndicators,
  normaliseIndicator,
  type Indicator,
} from './indicator.normaliser.js';

/** Clock skew tolerated between a reporter's clock and ours before a time counts as "in the future". */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Most indicators one request may carry (a larger list belongs in a bulk feed, not an incident report). */
export const MAX_INDICATORS = 1000;

/** Bureau codes as the auth module issues them (`DH`, `WSD`). */
export const bureauCode = z.string().regex(/^[A-Z][A-Z0-9]{1,15}$/, 'must be a bureau code');
const text = (max: number) => z.string().trim().min(1).max(max);
// The triage input's own field schemas: what a report may say is exactly what the policy understands.
const triage = triageInputSchema.shape;
const count = z.number().int().min(0).max(100_000_000);

/** An ISO-8601 time with an explicit offset (naive local times are ambiguous), not in the future. */
export const pastInstant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 time with an offset (Z or +08:00)' })
  .transform((value) => new Date(value))
  .refine((date) => date.getTime() <= Date.now() + CLOCK_SKEW_MS, 'must not be in the future');

/** One indicator as sent; the output is normalised (canonical IP, punycode domain, lower-case hash). */
export const indicatorSchema = z
  .strictObject({ type: z.enum(INDICATOR_INPUT_TYPES), value: z.string().min(1).max(2048) })
  .transform((raw, ctx): Indicator => {
    try {
      return normaliseIndicator(raw.type, raw.value);
    } catch (err) {
      if (!(err instanceof IndicatorError)) throw err;
      ctx.issues.push({ code: 'custom', message: err.message, input: raw.value, path: ['value'] });
      return z.NEVER;
    }
  });

export const indicatorListSchema = z
  .array(indicatorSchema)
  .max(MAX_INDICATORS, `at most ${MAX_INDICATORS} indicators per request`)
  .transform(dedupeIndicators);

export const timesSchema = z.strictObject({
  occurredAt: pastInstant.optional(),
  discoveredAt: pastInstant,
  awareAt: pastInstant.optional(),
  containedAt: pastInstant.optional(),
  resolvedAt: pastInstant.optional(),
});
export const systemSchema = triage.system;
export const impactSchema = triage.impact;
export const peopleSchema = z.strictObject({ staff: count, citizens: count });
export const flagsSchema = triage.flags;
const NO_FLAGS = {
  suspectedCrime: false,
  mediaInterest: false,
  capSerious: false,
  falsePositive: false,
  ransomPaid: false,
};
export const regimeList = z
  .array(z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'must be a regime code'))
  .max(10);
export const assetList = z.array(triage.assetsAffected.element).max(10);

export const contactSchema = z.strictObject({
  name: text(200),
  email: z.email().max(254),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{6,30}$/, 'must be a phone number')
    .optional(),
  post: text(200).optional(),
});
export const externalNotifiedSchema = z.strictObject({
  party: z.enum(['police', 'pcpd', 'security-bureau', 'hkcert', 'ogcio', 'other']),
  at: pastInstant,
  reference: text(200).optional(),
});

/** Every fact a report can hold; shared by the create body and (all optional) follow-up updates. */
export const reportFacts = {
  title: text(200),
  description: text(20_000),
  category: triage.category,
  system: systemSchema,
  assetsAffected: assetList,
  impact: impactSchema,
  functionalImpact: triage.functionalImpact,
  informationImpact: triage.informationImpact,
  recoverability: triage.recoverability,
  classifiedData: triage.classifiedData,
  personalDataInvolved: z.boolean(),
  peopleAffected: peopleSchema,
  flags: flagsSchema,
  regimes: regimeList,
} as const;

/**
 * `POST /api/v1/incidents`: a new report. Field names match `TriageInput` where they overlap; the
 * bureau comes from the caller's key (CERT staff name it), never status, reference or severity.
 */
export const createIncidentSchema = z.strictObject({
  ...reportFacts,
  bureauId: bureauCode.optional(),
  times: timesSchema,
  assetsAffected: assetList.default([]),
  peopleAffected: peopleSchema.default({ staff: 0, citizens: 0 }),
  flags: flagsSchema.default(NO_FLAGS),
  regimes: regimeList.default([]),
  reporter: contactSchema,
  contacts: z.array(contactSchema).max(10).default([]),
  indicators: indicatorListSchema.default([]),
  externalNotified: z.array(externalNotifiedSchema).max(50).default([]),
});
export type CreateIncidentInput = z.output<typeof createIncidentSchema>;
