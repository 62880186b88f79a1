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
  z.strictObject({
    decision: z.literal('under_review').describe('The CERT has started reading it (from `submitted`).'),
  }),
  z.strictObject({
    decision: z.literal('accepted').describe('The report is accepted as it is.'),
    comment: text(5000).optional().describe('Anything to tell the bureau.'),
  }),
  z.strictObject({
    decision: z
      .literal('revision_requested')
      .describe('The bureau must send a new version (it sees the comment).'),
    comment: text(5000).describe('What the bureau should change or add; the bureau sees it.'),
  }),
]);

/* What the routes answer, for the OpenAPI document; times are ISO 8601 in UTC. */
const at = z.iso.datetime();
const person = z
  .object({
    userId: z.string().describe('User id.'),
    name: z.string().describe('Display name.'),
    role: z.string().describe('Role at the time.'),
  })
  .describe('Who did it.');
const kind = z
  .enum(['progress', 'final'])
  .describe('`final` for a post-incident or final report (root cause and lessons learnt asked for).');

export const stagedReportSchema = z.object({
  id: z.string().describe('Id of this version.'),
  incidentId: z.string().describe('The incident it is about.'),
  incidentRef: z.string().describe('The incident’s reference.'),
  bureauId: z.string().describe('The bureau that owes it.'),
  obligation: z.string().describe('The obligation its clock names, e.g. `report.giro.preliminary`.'),
  name: z.string().describe('The clock’s name when it was sent.'),
  nameZh: z
    .string()
    .optional()
    .describe('Its name in Traditional Chinese (zh-HK) then, when the policy gave one.'),
  kind,
  occurrence: z.number().describe('Which occurrence of a repeating clock (0 for the first, and for others).'),
  version: z.number().describe('1 for the first submission, one more per revision.'),
  whatHappened: z.string().describe('What happened.'),
  impact: z.string().describe('The impact.'),
  actionsTaken: z.string().describe('What was done.'),
  nextSteps: z.string().nullable().describe('What comes next, if given.'),
  rootCause: z.string().nullable().describe('The root cause (final reports).'),
  lessonsLearnt: z.string().nullable().describe('Lessons learnt (final reports).'),
  reportedAt: at
    .nullable()
    .describe('When the bureau reported it to the regulator or GIRO-SO itself, if it did.'),
  reference: z.string().nullable().describe('Their reference, if any.'),
  submittedAt: at.describe('When this version was sent.'),
  submittedBy: person,
  clock: z
    .object({
      key: z.string().describe('The clock’s key, e.g. `hk-gov.preliminary-report`.'),
      dueAt: at.nullable().describe('When it was due.'),
      metAt: at.nullable().describe('When it was met.'),
      late: z.boolean().describe('It was met after its due time.'),
      metByThisReport: z
        .boolean()
        .describe('This version met it (false for revisions, and when it was met before, by phone).'),
    })
    .describe('The clock of this report’s occurrence, as it stood when this version was sent.'),
  state: z
    .enum(['submitted', 'under_review', 'accepted', 'revision_requested'])
    .describe('Where the CERT’s review of this version stands.'),
  review: z
    .object({
      state: z.string().describe('The decision: `under_review`, `accepted` or `revision_requested`.'),
      at: at.describe('When it was decided.'),
      by: person,
      comment: z.string().nullable().describe('The reviewer’s comment to the bureau.'),
    })
    .nullable()
    .describe('The CERT’s latest decision on this version; null while it waits.'),
});

export const owedReportsSchema = z.object({
  items: z
    .array(
      z.object({
        obligation: z.string().describe('The obligation its clock names.'),
        name: z.string().describe('The clock’s name, e.g. "Preliminary written report to GIRO-SO".'),
        nameZh: z
          .string()
          .optional()
          .describe('The clock’s name in Traditional Chinese (zh-HK), when the policy gives one.'),
        regime: z.string().describe('The regime that imposes it, e.g. `HK-GOV`.'),
        kind,
        occurrence: z.number().describe('Which occurrence of the clock this row is.'),
        repeats: z.boolean().describe('The clock repeats (interim reports): each occurrence is a report.'),
        dueAt: at.nullable().describe('When it is (or was) due; null while the clock waits for its start.'),
        status: z
          .enum(STAGED_REPORT_STATUSES)
          .describe(
            '`due`, `overdue`, `not_started` (the clock waits for its start) or `recorded` (met without a ' +
              'written report) while nothing is sent; else the latest version’s review state.',
          ),
        late: z.boolean().describe('The clock of this occurrence was met after its due time.'),
        met: z.boolean().describe('The clock of this occurrence is met.'),
        open: z.boolean().describe('The bureau may send a version now.'),
        versions: z.array(stagedReportSchema).describe('Every version sent, oldest first.'),
      }),
    )
    .describe('One row per occurrence of each of the bureau’s clocks, in the policy’s order.'),
});
