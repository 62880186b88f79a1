import { z } from 'zod';
import { INCIDENT_STATUSES } from '../incidents/index.js';

const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be an id');
const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 time with an offset' })
  .transform((v) => new Date(v));
/** The version the change is based on, when not sent as If-Match. */
const version = z.number().int().min(0).optional();

export const incidentParams = z.strictObject({ id: objectId });
export const taskParams = z.strictObject({ id: objectId, taskId: z.uuid() });
export const queueParams = z.strictObject({
  queue: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a queue name'),
});
export const queuePageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const versionOnly = z.strictObject({ version }).default({});
export const assignBody = z.strictObject({ userId: objectId, version });

export const postIncidentSchema = z.strictObject({
  rootCause: text(5000).optional(),
  lessonsLearnt: text(5000).optional(),
  cost: z.number().min(0).max(1e12).optional(),
  affectedPeople: z.number().int().min(0).max(100_000_000).optional(),
  perpetratorType: text(200).optional(),
  motivation: text(200).optional(),
});
export const postIncidentBody = postIncidentSchema.extend({ version });

export const transitionBody = z.strictObject({
  to: z.enum(INCIDENT_STATUSES),
  finding: text(5000).optional(),
  postIncident: postIncidentSchema.optional(),
  /** For `duplicate`: the incident this one duplicates. */
  mergeInto: objectId.optional(),
  version,
});

export const noteBody = z.strictObject({ text: text(10_000), version });
export const taskBody = z.strictObject({
  title: text(500),
  assigneeId: objectId.optional(),
  dueAt: instant.optional(),
  version,
});
export const taskPatchBody = z
  .strictObject({
    title: text(500).optional(),
    assigneeId: objectId.nullable().optional(),
    dueAt: instant.nullable().optional(),
    done: z.boolean().optional(),
    version,
  })
  .refine(
    (b) =>
      b.title !== undefined || b.assigneeId !== undefined || b.dueAt !== undefined || b.done !== undefined,
    'change at least one field',
  );
export const linkBody = z.strictObject({ incidentId: objectId, reason: text(1000).optional(), version });
export const mergeBody = z.strictObject({ into: objectId, version });

/** Obligation names are the policy's (`report.giro.initial`); free text would never meet a clock. */
export const obligationBody = z.strictObject({
  obligation: z
    .string()
    .regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'must be an obligation name such as report.giro.initial')
    .max(100),
  at: instant.refine((d) => d.getTime() <= Date.now() + 5 * 60_000, 'must not be in the future'),
  reference: text(200).optional(),
  note: text(2000).optional(),
  version,
});
