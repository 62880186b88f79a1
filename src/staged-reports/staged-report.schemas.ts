import { z } from 'zod';
import { STAGED_REPORT_STATUSES } from './staged-report.types.js';

const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be an id');
const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 time with an offset' })
  .transform((v) => new Date(v));

/** How far ahead of the server's clock a typed time may be (a bureau PC's clock is not ours). */
export const FUTURE_SLACK_MS = 5 * 60_000;

/** A bureau obligation as the policy names it: `report.giro.preliminary`, `report.cap653.written`. */
export const bureauObligation = z
  .string()
  .max(100)
  .regex(/^report(?:[.-][a-z0-9]+)+$/, 'must be a bureau obligation such as report.giro.preliminary');

export const incidentParams = z.strictObject({ id: objectId.describe('Incident id.') });
export const reportParams = z.strictObject({
  id: objectId.describe('Incident id.'),
  reportId: objectId.describe('Staged report version id, from the list.'),
});

/** The limits of each field of a report, shared with the portal's form. */
export const REPORT_TEXT_MAX = 10_000;

/** What a bureau writes; a final (post-incident) report needs the root cause and lessons learnt too. */
export const reportContent = z.strictObject({
  whatHappened: text(REPORT_TEXT_MAX).describe('What happened, as the bureau knows it now.'),
  impact: text(REPORT_TEXT_MAX).describe('The impact on services, data and people.'),
  actionsTaken: text(REPORT_TEXT_MAX).describe('What has been done so far.'),
  nextSteps: text(REPORT_TEXT_MAX).optional().describe('What comes next, and when.'),
  rootCause: text(REPORT_TEXT_MAX)
    .optional()
    .describe('The root cause (required in a post-incident or final report).'),
  lessonsLearnt: text(REPORT_TEXT_MAX)
    .optional()
    .describe('Lessons learnt (required in a post-incident or final report).'),
});

export const submissionBody = reportContent.extend({
  obligation: bureauObligation.describe(
    'The report owed, as the incident’s clocks name it (`obligation` of a bureau clock).',
  ),
  occurrence: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .optional()
    .describe('Which occurrence of a repeating report (interim reports); the one open now when absent.'),
  reportedAt: instant
    .refine((d) => d.getTime() <= Date.now() + FUTURE_SLACK_MS, 'must not be in the future')
    .optional()
    .describe(
      'When the bureau reported it to the regulator or GIRO-SO by other means; the clock is met then. ' +
        'Absent: it is met now, by this submission.',
    ),
  reference: text(200).optional().describe('Their reference for it, if any.'),
});

export const reviewBody = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('under_review').describe('The CERT has started reading it.') }),
  z.strictObject({
    decision: z.literal('accepted'),
    comment: text(5000).optional().describe('Anything to tell the bureau.'),
  }),
  z.strictObject({
    decision: z.literal('revision_requested'),
    comment: text(5000).describe('What the bureau should change or add; the bureau sees it.'),
  }),
]);

/* What the routes answer, for the OpenAPI document; times are ISO 8601 in UTC. */
const at = z.iso.datetime();
const person = z.object({ userId: z.string(), name: z.string(), role: z.string() });

export const stagedReportSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  incidentRef: z.string(),
  bureauId: z.string(),
  obligation: z.string(),
  name: z.string(),
  kind: z.enum(['progress', 'final']),
  occurrence: z.number(),
  version: z.number(),
  whatHappened: z.string(),
  impact: z.string(),
  actionsTaken: z.string(),
  nextSteps: z.string().nullable(),
  rootCause: z.string().nullable(),
  lessonsLearnt: z.string().nullable(),
  reportedAt: at.nullable(),
  reference: z.string().nullable(),
  submittedAt: at,
  submittedBy: person,
  clock: z.object({
    key: z.string(),
    dueAt: at.nullable(),
    metAt: at.nullable(),
    late: z.boolean(),
    metByThisReport: z.boolean(),
  }),
  state: z.enum(['submitted', 'under_review', 'accepted', 'revision_requested']),
  review: z
    .object({
      state: z.string(),
      at: at,
      by: person,
      comment: z.string().nullable(),
    })
    .nullable(),
});

export const owedReportsSchema = z.object({
  items: z.array(
    z.object({
      obligation: z.string(),
      name: z.string(),
      regime: z.string(),
      kind: z.enum(['progress', 'final']),
      occurrence: z.number(),
      repeats: z.boolean(),
      dueAt: at.nullable(),
      status: z.enum(STAGED_REPORT_STATUSES),
      late: z.boolean(),
      met: z.boolean(),
      open: z.boolean(),
      versions: z.array(stagedReportSchema),
    }),
  ),
});
