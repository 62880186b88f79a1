import { z } from 'zod';
import { INCIDENT_STATUSES } from '../incidents/index.js';
import { versionField as version } from '../platform/http/index.js';
import { PAP_LEVELS, TLP_LEVELS } from '../platform/index.js';

const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be an id');
const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 time with an offset' })
  .transform((v) => new Date(v));

export const incidentParams = z.strictObject({ id: objectId.describe('Incident id.') });
export const taskParams = z.strictObject({
  id: objectId.describe('Incident id.'),
  taskId: z.uuid().describe('Task id, from the incident’s `tasks`.'),
});
export const queueParams = z.strictObject({
  queue: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a queue name')
    .describe('Queue name, as GET /api/v1/queues lists them (e.g. `cert-critical`).'),
});
export const queuePageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Incidents per page.'),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(0)
    .describe('How many to skip: the `nextOffset` of the previous page.'),
});

export const assignBody = z.strictObject({
  userId: objectId.describe('The responder or lead to give the incident to.'),
  version,
});

export const postIncidentSchema = z.strictObject({
  rootCause: text(5000).optional().describe('What caused the incident.'),
  lessonsLearnt: text(5000).optional().describe('What to do differently.'),
  cost: z.number().min(0).max(1e12).optional().describe('Estimated cost, in HKD.'),
  affectedPeople: z
    .number()
    .int()
    .min(0)
    .max(100_000_000)
    .optional()
    .describe('People affected (staff and citizens), as finally assessed.'),
  perpetratorType: text(200).optional().describe('Who did it: insider, criminal group, state actor…'),
  motivation: text(200).optional().describe('Why, as far as known: financial, espionage, disruption…'),
});
export const postIncidentBody = postIncidentSchema.extend({ version });

export const transitionBody = z.strictObject({
  to: z
    .enum(INCIDENT_STATUSES)
    .describe(
      'The state to move to; `allowedNext` of the workflow view lists those allowed now (409 otherwise). ' +
        '`rejected` needs a `finding`; `closed` of an S1/S2 needs the post-incident review; `duplicate` ' +
        'needs `mergeInto`.',
    ),
  finding: text(5000)
    .optional()
    .describe('For `rejected`: why this is not an incident (reported back to the bureau).'),
  postIncident: postIncidentSchema
    .optional()
    .describe('For `closed`: post-incident fields, merged over those already filled in.'),
  mergeInto: objectId.optional().describe('For `duplicate`: the incident this one duplicates.'),
  notApplicable: z
    .record(
      z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'must be a clock key such as hk-gov.interim-report'),
      text(1000),
    )
    .optional()
    .describe(
      'For `closed`: regulatory clocks still running that do not apply, by clock key, each with the ' +
        'reason (audited, kept on the clock). Closing needs every running regulatory clock met or named here.',
    ),
  version,
});

export const noteBody = z.strictObject({ text: text(10_000).describe('The note (never edited).'), version });
export const taskBody = z.strictObject({
  title: text(500).describe('What is to be done.'),
  assigneeId: objectId.optional().describe('Who does it (a user id).'),
  dueAt: instant.optional().describe('When it is due (ISO 8601 with an offset).'),
  version,
});
export const taskPatchBody = z
  .strictObject({
    title: text(500).optional().describe('A new title.'),
    assigneeId: objectId.nullable().optional().describe('Who does it now; null to unassign.'),
    dueAt: instant.nullable().optional().describe('A new due time; null to clear it.'),
    done: z.boolean().optional().describe('Mark it done (true) or open again (false).'),
    version,
  })
  .refine(
    (b) =>
      b.title !== undefined || b.assigneeId !== undefined || b.dueAt !== undefined || b.done !== undefined,
    'change at least one field',
  );
export const linkBody = z.strictObject({
  incidentId: objectId.describe('The incident to link to this one.'),
  reason: text(1000).optional().describe('Why they belong together (same attacker, same system…).'),
  version,
});
export const mergeBody = z.strictObject({
  into: objectId.describe('The incident that survives; this one becomes its duplicate.'),
  version,
});

/** Obligation names are the policy's (`report.giro.initial`); free text would never meet a clock. */
export const obligationBody = z.strictObject({
  obligation: z
    .string()
    .regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'must be an obligation name such as report.giro.initial')
    .max(100)
    .describe(
      'The obligation done, as the incident’s clocks name it (`obligation` of a clock), e.g. ' +
        '`report.giro.initial`: meets every running clock with that obligation.',
    ),
  at: instant
    .refine((d) => d.getTime() <= Date.now() + 5 * 60_000, 'must not be in the future')
    .describe('When it was done (ISO 8601 with an offset; not in the future).'),
  reference: text(200).optional().describe('A reference the other party gave, e.g. a Police case number.'),
  note: text(2000).optional().describe('Anything worth keeping with it.'),
  version,
});

/** New markings of the incident; a level left out stays as it is. */
export const markingsBody = z
  .strictObject({
    tlp: z
      .enum(TLP_LEVELS)
      .optional()
      .describe('TLP 2.0: `CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT` or `RED` (without `TLP:`).'),
    pap: z.enum(PAP_LEVELS).optional().describe('PAP: `CLEAR`, `GREEN`, `AMBER` or `RED`.'),
    version,
  })
  .refine((b) => b.tlp !== undefined || b.pap !== undefined, 'give tlp, pap or both');
