import { z } from 'zod';

/** Incident categories: the ten GIRO-reportable ones first, then those recorded but not reported. */
export const CATEGORIES = [
  'abuse_of_systems',
  'compromise',
  'denial_of_service',
  'classified_data_leak',
  'device_loss',
  'masquerading',
  'malware_infection',
  'ransomware',
  'website_defacement',
  'other',
  'natural_disaster',
  'hardware_software_fault',
  'line_power_failure',
  'scheduled_downtime',
  'operation_error',
  'phishing_no_gov_impact',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const LEVELS = ['none', 'low', 'medium', 'high'] as const;
export const ASSETS = ['email', 'hardware', 'data', 'network', 'software', 'website'] as const;
export const INFORMATION_IMPACTS = ['none', 'privacy', 'proprietary', 'integrity'] as const;
export const RECOVERABILITY = ['regular', 'supplemented', 'extended', 'not_recoverable'] as const;
export const CLASSIFICATIONS = ['none', 'restricted', 'confidential'] as const;
export const OPERATORS = ['in_house', 'outsourced'] as const;
/**
 * "Not known yet": an initial report within 60 minutes rarely knows every impact level or how
 * recovery will go. Allowed for the four impact levels and recoverability only; the policy's
 * `unknown` section says how triage reads it (see unknown-facts.ts), and the bureau's follow-up that
 * fills it in re-triages the incident.
 */
export const UNKNOWN = 'unknown';

/** Accepts a `Date` or an ISO-8601 string with offset (policy test files are YAML, hence strings). */
const dateSchema = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))]);
const level = z.enum(LEVELS);
const impactLevel = z.enum([...LEVELS, UNKNOWN]);
const count = z.number().int().min(0);

/**
 * What triage needs to know about an incident. The intake module maps a stored incident to this
 * shape; nothing else of the incident (descriptions, contacts, indicators) reaches the policy.
 */
export const triageInputSchema = z.strictObject({
  bureauId: z.string().min(1),
  /** Regimes the bureau is subject to, from the bureau record (e.g. `HK-GOV`, `HK-CI`). */
  bureauRegimes: z.array(z.string().min(1)),
  /** Extra regimes flagged on this incident (e.g. `GDPR` when EU residents' data is involved). */
  regimes: z.array(z.string().min(1)),
  category: z.enum(CATEGORIES),
  times: z.strictObject({
    occurredAt: dateSchema.optional(),
    discoveredAt: dateSchema.optional(),
    awareAt: dateSchema.optional(),
    reportedAt: dateSchema,
    firstReportAt: dateSchema.optional(),
    containedAt: dateSchema.optional(),
    resolvedAt: dateSchema.optional(),
    /** DORA: when the incident was classified as major (its initial notification counts from it). */
    classifiedMajorAt: dateSchema.optional(),
    /** CIRCIA: when a ransom was paid (the ransom payment report counts from it). */
    ransomPaidAt: dateSchema.optional(),
  }),
  system: z.strictObject({
    tier: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    criticalEService: z.boolean(),
    operatedBy: z.enum(OPERATORS),
  }),
  assetsAffected: z.array(z.enum(ASSETS)),
  impact: z.strictObject({
    confidentiality: impactLevel,
    integrity: impactLevel,
    availability: impactLevel,
    governmentImage: impactLevel,
  }),
  functionalImpact: level,
  informationImpact: z.enum(INFORMATION_IMPACTS),
  recoverability: z.enum([...RECOVERABILITY, UNKNOWN]),
  classifiedData: z.enum(CLASSIFICATIONS),
  personalDataInvolved: z.boolean(),
  peopleAffected: z.strictObject({ staff: count, citizens: count }),
  flags: z.strictObject({
    suspectedCrime: z.boolean(),
    mediaInterest: z.boolean(),
    /** Cap. 653 "serious": disrupts or is likely to disrupt the core function. */
    capSerious: z.boolean(),
    falsePositive: z.boolean(),
    ransomPaid: z.boolean(),
  }),
  /** Other bureaux hit by the same indicators (a campaign), as found by indicator matching. */
  relatedBureauxCount: count,
});

/** The incident as triage sees it (dates already parsed). */
export type TriageInput = z.output<typeof triageInputSchema>;
