import { z } from 'zod';
import { SEVERITIES } from '../triage/index.js';
import {
  bureauCode,
  contactSchema,
  externalNotifiedSchema,
  flagsSchema,
  impactSchema,
  indicatorListSchema,
  peopleSchema,
  reportFacts,
  systemSchema,
  timesSchema,
} from './incident-report.schema.js';
import { INCIDENT_STATUSES } from './incident.types.js';

export { createIncidentSchema, type CreateIncidentInput } from './incident-report.schema.js';

/** Largest page of the incident list. */
export const MAX_PAGE_SIZE = 100;

export const incidentIdParams = z.strictObject({
  id: z.string().regex(/^[a-f0-9]{24}$/, 'must be an incident id'),
});

/**
 * `POST /api/v1/incidents/:id/updates`: follow-up facts. Objects are merged field by field into the
 * current facts, lists are added to; the update itself is kept in the history as sent.
 */
export const incidentUpdateSchema = z
  .strictObject({
    note: z.string().trim().min(1).max(5000).optional(),
    title: reportFacts.title.optional(),
    description: reportFacts.description.optional(),
    category: reportFacts.category.optional(),
    times: timesSchema.partial().optional(),
    system: systemSchema.partial().optional(),
    assetsAffected: reportFacts.assetsAffected.optional(),
    impact: impactSchema.partial().optional(),
    functionalImpact: reportFacts.functionalImpact.optional(),
    informationImpact: reportFacts.informationImpact.optional(),
    recoverability: reportFacts.recoverability.optional(),
    classifiedData: reportFacts.classifiedData.optional(),
    personalDataInvolved: reportFacts.personalDataInvolved.optional(),
    peopleAffected: peopleSchema.partial().optional(),
    flags: flagsSchema.partial().optional(),
    regimes: reportFacts.regimes.optional(),
    contacts: z.array(contactSchema).max(10).optional(),
    indicators: indicatorListSchema.optional(),
    externalNotified: z.array(externalNotifiedSchema).max(50).optional(),
  })
  .refine((update) => Object.keys(update).length > 0, 'an update needs at least one field');
export type IncidentUpdateInput = z.output<typeof incidentUpdateSchema>;

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** `GET /api/v1/incidents` query: filters ANDed with the caller's scope, opaque cursor. */
export const incidentListQuery = z.strictObject({
  status: z.enum(INCIDENT_STATUSES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  category: reportFacts.category.optional(),
  bureau: bureauCode.optional(),
  reportedFrom: instant.optional(),
  reportedTo: instant.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(25),
  cursor: z.string().max(200).optional(),
});
export type IncidentListQuery = z.output<typeof incidentListQuery>;

const indicatorView = z.object({ type: z.string(), value: z.string() });

/** An incident as the API shows it. Campaign, routing and notifications appear for CERT roles only. */
export const incidentViewSchema = z.object({
  id: z.string(),
  ref: z.string(),
  bureauId: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  severity: z.enum(SEVERITIES).nullable(),
  reportedAt: z.string(),
  triagedAt: z.string().nullable(),
  facts: z.record(z.string(), z.unknown()),
  indicators: z.array(indicatorView),
  externalNotified: z.array(z.record(z.string(), z.unknown())),
  updates: z.array(z.record(z.string(), z.unknown())),
  clocks: z.array(z.record(z.string(), z.unknown())),
  triage: z.record(z.string(), z.unknown()).nullable().optional(),
  notifications: z.array(z.record(z.string(), z.unknown())).optional(),
  /** CERT-side only: the incidents of other bureaux sharing indicators, and the campaign's priority. */
  campaign: z
    .object({
      relatedIncidentIds: z.array(z.string()),
      indicators: z.array(z.string()),
      relatedBureauxCount: z.number(),
      priority: z.enum(SEVERITIES).nullable(),
      priorityReasons: z.array(z.object({ rule: z.string(), detail: z.string() })),
    })
    .nullable()
    .optional(),
  revision: z.number(),
});

export const incidentPageSchema = z.object({
  items: z.array(incidentViewSchema),
  nextCursor: z.string().nullable(),
});
