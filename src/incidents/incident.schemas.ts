import { z } from 'zod';
import { SEVERITIES } from '../triage/index.js';
import {
  bureauCode,
  contactSchema,
  externalNotifiedSchema,
  flagsSchema,
  impactSchema,
  indicatorListSchema,
  papSchema,
  peopleSchema,
  reportFacts,
  systemSchema,
  timesSchema,
  tlpSchema,
} from './incident-report.schema.js';
import { INCIDENT_STATUSES } from './incident.types.js';

export { createIncidentSchema, type CreateIncidentInput } from './incident-report.schema.js';

/** Largest page of the incident list. */
export const MAX_PAGE_SIZE = 100;

export const incidentIdParams = z.strictObject({
  id: z
    .string()
    .regex(/^[a-f0-9]{24}$/, 'must be an incident id')
    .describe('Incident id (the `id` of the incident, not its reference).'),
});

/**
 * `POST /api/v1/incidents/:id/updates`: follow-up facts. Objects are merged field by field into the
 * current facts, lists are added to; the update itself is kept in the history as sent.
 */
export const incidentUpdateSchema = z
  .strictObject({
    note: z
      .string()
      .trim()
      .min(1)
      .max(5000)
      .optional()
      .describe('What this update is about; the only field a closed, rejected or merged incident takes.'),
    title: reportFacts.title.optional(),
    description: reportFacts.description.optional(),
    category: reportFacts.category.optional(),
    times: timesSchema
      .partial()
      .optional()
      .describe('Times now known (e.g. `containedAt`), merged into the report’s.'),
    system: systemSchema.partial().optional().describe('Corrections to the affected system, field by field.'),
    assetsAffected: reportFacts.assetsAffected.optional(),
    impact: impactSchema.partial().optional().describe('Impact now known, field by field.'),
    functionalImpact: reportFacts.functionalImpact.optional(),
    informationImpact: reportFacts.informationImpact.optional(),
    recoverability: reportFacts.recoverability.optional(),
    classifiedData: reportFacts.classifiedData.optional(),
    personalDataInvolved: reportFacts.personalDataInvolved.optional(),
    peopleAffected: peopleSchema.partial().optional().describe('People affected, as now known.'),
    flags: flagsSchema.partial().optional().describe('Flags that changed, e.g. `{ "mediaInterest": true }`.'),
    regimes: reportFacts.regimes.optional(),
    contacts: z.array(contactSchema).max(10).optional().describe('Contacts to add.'),
    indicators: indicatorListSchema.optional(),
    externalNotified: z
      .array(externalNotifiedSchema)
      .max(50)
      .optional()
      .describe('Outside parties told since the report (added to the list).'),
  })
  .refine((update) => Object.keys(update).length > 0, 'an update needs at least one field')
  .meta({
    examples: [
      {
        note: 'Contained: the server is isolated and the vendor has restored yesterday’s backup.',
        times: { containedAt: '2026-03-02T11:30:00+08:00' },
        recoverability: 'regular',
      },
    ],
  });
export type IncidentUpdateInput = z.output<typeof incidentUpdateSchema>;

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** `GET /api/v1/incidents` query: filters ANDed with the caller's scope, opaque cursor. */
export const incidentListQuery = z.strictObject({
  status: z.enum(INCIDENT_STATUSES).optional().describe('Only incidents in this lifecycle state.'),
  severity: z.enum(SEVERITIES).optional().describe('Only incidents of this severity (S1 most severe).'),
  category: reportFacts.category.optional(),
  bureau: bureauCode
    .optional()
    .describe('Only this bureau’s incidents (reporters see their own bureau’s only).'),
  reportedFrom: instant.optional().describe('Reported at or after this time (ISO 8601 with an offset).'),
  reportedTo: instant.optional().describe('Reported before this time (ISO 8601 with an offset).'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(25).describe('Incidents per page.'),
  cursor: z.string().max(200).optional().describe('The `nextCursor` of the previous page.'),
});
export type IncidentListQuery = z.output<typeof incidentListQuery>;

const indicatorView = z
  .object({
    type: z
      .string()
      .describe('Normalised kind: `ipv4`, `ipv6`, `domain`, `url`, `md5`, `sha1`, `sha256`, `email`.'),
    value: z.string().describe('Normalised value.'),
  })
  .describe('An indicator of compromise.');
const record = (what: string) => z.record(z.string(), z.unknown()).describe(what);

/** An incident as the API shows it. Campaign, routing and notifications appear for CERT roles only. */
export const incidentViewSchema = z
  .object({
    id: z.string().describe('Incident id, used in every path.'),
    ref: z.string().describe('Incident reference, e.g. `GIRO-2026-000123`.'),
    bureauId: z.string().describe('The reporting bureau.'),
    status: z
      .enum(INCIDENT_STATUSES)
      .describe(
        'Lifecycle state: reported, triaged, acknowledged, investigating, contained, eradicated, recovered, closed; or rejected, duplicate.',
      ),
    severity: z
      .enum(SEVERITIES)
      .nullable()
      .describe('S1 (most severe) to S4, from the policy; null until triaged.'),
    tlp: tlpSchema.describe(
      'TLP 2.0 of the incident (`AMBER` unless the report or a responder set another; ' +
        'POST …/markings changes it).',
    ),
    pap: papSchema.describe('PAP of the incident (`AMBER` unless set otherwise; POST …/markings).'),
    reportedAt: z.string().describe('When the report was filed (UTC).'),
    triagedAt: z.string().nullable().describe('When the policy last triaged it; null until then.'),
    facts: record('The report’s facts as they stand now (the create body’s fields, with updates merged in).'),
    indicators: z.array(indicatorView).describe('Indicators, normalised.'),
    externalNotified: z
      .array(record('An outside party told: `party`, `at`, `reference`.'))
      .describe('Outside parties told.'),
    updates: z
      .array(record('A follow-up as sent, with when and by whom.'))
      .describe('Follow-ups, oldest first.'),
    clocks: z
      .array(
        record(
          'A deadline: `key`, `name` (and `nameZh`, its Traditional Chinese name), `obligation`, `startsFrom`, `dueAt`, `state`…',
        ),
      )
      .describe('Deadlines the policy set (see also GET …/workflow).'),
    triage: record(
      'The decision: severity, queue, RSIT class, reportability, the rules that matched (`reasons`), the policy version, and `decisionId`, the id of its stored record.',
    )
      .nullable()
      .optional()
      .describe('The triage decision with its reasons. CERT roles only.'),
    notifications: z
      .array(record('Who is to be told and how it went.'))
      .optional()
      .describe(
        'Notifications the triage decisions so far called for, with their delivery status. CERT roles only.',
      ),
    campaign: z
      .object({
        relatedIncidentIds: z.array(z.string()).describe('Other bureaux’ incidents sharing indicators.'),
        indicators: z.array(z.string()).describe('The shared indicators.'),
        relatedBureauxCount: z.number().describe('How many other bureaux are hit.'),
        priority: z.enum(SEVERITIES).nullable().describe('The campaign’s priority.'),
        priorityReasons: z
          .array(
            z
              .object({
                rule: z.string().describe('Policy rule that matched.'),
                detail: z.string().describe('Why it matched.'),
              })
              .describe('A reason for the priority.'),
          )
          .describe('Why it has that priority.'),
      })
      .nullable()
      .optional()
      .describe('Incidents of other bureaux sharing indicators (a campaign). CERT roles only.'),
    revision: z.number().describe('The version: the ETag is `W/"<revision>"`, sent back as If-Match.'),
  })
  .describe('An incident. Reporters see their own bureau’s, without triage, notifications or campaign.');

export const incidentPageSchema = z.object({
  items: z.array(incidentViewSchema).describe('Incidents, newest first.'),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last one.'),
});
