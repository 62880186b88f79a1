import { z } from 'zod';
import { CLOCK_STATES } from '../clocks/index.js';
import { INCIDENT_STATUSES } from '../incidents/index.js';
import { PAP_LEVELS, TLP_LEVELS } from '../platform/index.js';
import { CLOCK_STARTS, SEVERITIES } from '../triage/index.js';
import { postIncidentSchema } from './workflow.schemas.js';

/*
 * What the workflow routes answer, for the OpenAPI document (handlers build the answers in
 * workflow.view.ts, queue.service.ts and timeline.service.ts; a test validates real answers against
 * these). Times are ISO 8601 in UTC.
 */

const instant = z.iso.datetime();
const status = z.enum(INCIDENT_STATUSES);
const severity = z
  .enum(SEVERITIES)
  .nullable()
  .describe('Severity triage gave it, S1 (most severe) to S4; null until triaged.');

const assignee = z
  .object({
    userId: z.string().describe('User id.'),
    name: z.string().describe('Display name.'),
    role: z.string().describe('Role at the time: `responder` or `lead`.'),
  })
  .describe('A person the incident or a task is given to.');

const clock = z
  .looseObject({
    key: z.string().describe('Stable key `<pack>.<clock>`, e.g. `hk-gov.initial-report`.'),
    name: z.string().describe('What is owed, e.g. "Initial (phone) report to GIRO-SO".'),
    nameZh: z
      .string()
      .optional()
      .describe(
        'The name in Traditional Chinese (zh-HK), when the policy gives one; absent on clocks set before it did.',
      ),
    regime: z.string().describe('The regime that imposes it, e.g. `HK-GOV`, `HK-CI`, `NIS2`.'),
    obligation: z
      .string()
      .describe('What meets it, e.g. `report.giro.initial` (POST …/obligations with this name).'),
    startsFrom: z
      .enum(CLOCK_STARTS)
      .describe('The incident time it counts from, e.g. `aware` (the bureau became aware of the harm).'),
    startsAt: instant.optional().describe('When it started counting; absent while that time is unknown.'),
    dueAt: instant.optional().describe('When it falls due; absent while its start is unknown.'),
    warnAt: instant.optional().describe('When the warning goes out; absent when the policy sets none.'),
    state: z
      .enum(CLOCK_STATES)
      .optional()
      .describe(
        '`pending` (start unknown), `running`, `met`, `breached` or `not_applicable`; absent for a ' +
          'moment after triage, until the clock is set up.',
      ),
    metAt: instant.nullable().optional().describe('When the obligation was met.'),
    breachedAt: instant.nullable().optional().describe('When the deadline passed unmet.'),
    occurrence: z
      .number()
      .int()
      .optional()
      .describe('For a repeating clock (interim reports), which repeat this is; 0 is the first.'),
    filedAt: instant
      .optional()
      .describe(
        'When the report was filed through this system, for a clock the policy says that filing meets ' +
          '(`metByFiling`, e.g. the initial report to GIRO-SO): it is met at that time once it runs.',
      ),
    notApplicable: z
      .object({
        reason: z.string().describe('Why it does not apply, as given when the incident was closed.'),
        at: instant.describe('When it was marked.'),
      })
      .optional()
      .describe('Set when a responder marked the clock not applicable on closing the incident.'),
  })
  .describe('A deadline the incident carries (further fields: durations, repeat rule, escalations).');

const obligation = z
  .object({
    obligation: z.string().describe('What was done, e.g. `report.giro.initial`.'),
    at: instant.describe('When it was done.'),
    recordedBy: z
      .object({
        userId: z.string().describe('Who recorded it.'),
        role: z.string().describe('Their role.'),
        bureauId: z.string().nullable().describe('Their bureau; null for CERT staff.'),
      })
      .describe('Who recorded it.'),
    reference: z.string().optional().describe('A reference the other party gave (Police case number).'),
    note: z.string().optional().describe('A note recorded with it.'),
  })
  .describe('An obligation recorded as done.');

const by = assignee.describe('Who did it.');
const incidentRef = (what: string) =>
  z
    .object({
      id: z.string().describe('Incident id.'),
      ref: z.string().describe('Incident reference, e.g. `GIRO-2026-000123`.'),
      at: instant.describe('When it happened.'),
    })
    .describe(what);

/** `GET /api/v1/incidents/:id/workflow` and every workflow change. */
export const workflowViewSchema = z
  .object({
    id: z.string().describe('Incident id.'),
    ref: z.string().describe('Incident reference, e.g. `GIRO-2026-000123`.'),
    status: status.describe('Where the incident is in its lifecycle.'),
    revision: z.number().int().describe('The version responders change; the ETag is `W/"<revision>"`.'),
    clocks: z.array(clock).describe('Its deadlines: regulatory reports and the CERT’s own service levels.'),
    obligations: z.array(obligation).describe('Obligations recorded as done, oldest first.'),
    severity: severity
      .optional()
      .describe('S1 (most severe) to S4; null until triaged. Not shown to reporters.'),
    queue: z
      .string()
      .nullable()
      .optional()
      .describe('The team queue triage routed it to. Not shown to reporters.'),
    tlp: z
      .enum(TLP_LEVELS)
      .optional()
      .describe('TLP 2.0 of the incident (POST …/markings changes it). Not shown to reporters here.'),
    pap: z.enum(PAP_LEVELS).optional().describe('PAP of the incident. Not shown to reporters here.'),
    allowedNext: z
      .array(status)
      .optional()
      .describe('The states it may move to now (POST …/transitions). Not shown to reporters.'),
    assignee: assignee.nullable().optional().describe('Who works on it; null when unclaimed.'),
    claimedAt: instant.nullable().optional().describe('When the assignee took it.'),
    acknowledgedAt: instant.nullable().optional().describe('When the CERT acknowledged it.'),
    nextDueAt: instant.nullable().optional().describe('The earliest due time of a running clock.'),
    notes: z
      .array(
        z
          .object({
            noteId: z.string().describe('Note id.'),
            at: instant.describe('When it was written.'),
            by,
            text: z.string().describe('The note.'),
          })
          .describe('A responder’s note (notes are never edited).'),
      )
      .optional()
      .describe('Responders’ notes, oldest first. Not shown to reporters.'),
    tasks: z
      .array(
        z
          .object({
            taskId: z.string().describe('Task id (PATCH …/tasks/{taskId}).'),
            title: z.string().describe('What is to be done.'),
            assignee: assignee.nullable().describe('Who does it; null when nobody yet.'),
            dueAt: instant.nullable().describe('When it is due; null when not set.'),
            done: z.boolean().describe('Whether it is done.'),
            doneAt: instant.nullable().describe('When it was marked done.'),
            createdAt: instant.describe('When it was added.'),
            createdBy: assignee.describe('Who added it.'),
          })
          .describe('A piece of work on the incident.'),
      )
      .optional()
      .describe('Tasks. Not shown to reporters.'),
    links: z
      .array(
        z
          .object({
            id: z.string().describe('The linked incident’s id.'),
            ref: z.string().describe('Its reference.'),
            reason: z.string().nullable().describe('Why they are linked.'),
            at: instant.describe('When the link was made.'),
            by,
          })
          .describe('Another incident linked to this one.'),
      )
      .optional()
      .describe('Linked incidents (same attacker, same system). Not shown to reporters.'),
    merged: z
      .array(incidentRef('A duplicate merged into this incident.'))
      .optional()
      .describe('Duplicates merged into this one; their history shows in its timeline.'),
    mergedInto: incidentRef('The incident this duplicate was merged into.')
      .nullable()
      .optional()
      .describe('Set when this incident is a duplicate merged into another.'),
    postIncident: postIncidentSchema
      .optional()
      .describe('The post-incident review (required before closing S1 and S2). Not shown to reporters.'),
    finding: z
      .string()
      .nullable()
      .optional()
      .describe('Why it was rejected as not an incident. Not shown to reporters.'),
  })
  .describe(
    'The workflow state of an incident. Reporters get id, ref, status, revision, clocks and obligations only.',
  );

/** One row of a queue page (what the list shows, without the report's content). */
const queueRow = z
  .object({
    id: z.string().describe('Incident id.'),
    ref: z.string().describe('Incident reference.'),
    bureauId: z.string().describe('The reporting bureau.'),
    status: status.describe('Lifecycle state.'),
    severity,
    queue: z.string().describe('The queue it is in.'),
    reportedAt: instant.describe('When the bureau reported it.'),
    nextDueAt: instant.nullable().describe('The earliest due time of a running clock; null when none runs.'),
    assignee: assignee.nullable().describe('Who works on it; null when unclaimed.'),
  })
  .describe('An incident in a queue.');

/** `GET /api/v1/queues`. */
export const queueSummariesSchema = z.object({
  items: z
    .array(
      z
        .object({
          queue: z.string().describe('Queue name, e.g. `cert-critical`.'),
          total: z.number().int().describe('Incidents open in it.'),
          unassigned: z.number().int().describe('Of those, how many nobody has claimed.'),
          bySeverity: z
            .record(z.string(), z.number().int())
            .describe('Open incidents per severity (`S1`…`S4`; `none` for untriaged ones, when any).'),
          oldest: z
            .object({
              id: z.string().describe('Incident id.'),
              ref: z.string().describe('Incident reference.'),
              reportedAt: instant.describe('When it was reported.'),
            })
            .nullable()
            .describe('The longest-waiting incident; null when the queue is empty.'),
          nextDue: z
            .object({
              id: z.string().describe('Incident id.'),
              ref: z.string().describe('Incident reference.'),
              dueAt: instant.describe('When its clock falls due.'),
            })
            .nullable()
            .describe('The incident whose running clock falls due first; null when none runs.'),
        })
        .describe('One team queue at a glance.'),
    )
    .describe('Every queue the policy routes to (empty ones too), and any other that holds incidents.'),
});

/** `GET /api/v1/queues/:queue/incidents`. */
export const queuePageSchema = z.object({
  queue: z.string().describe('The queue.'),
  items: z.array(queueRow).describe('Incidents, earliest running deadline first, then severity.'),
  nextOffset: z.number().int().nullable().describe('`offset` of the next page; null on the last one.'),
});

/** `GET /api/v1/incidents/:id/timeline`. */
export const timelineSchema = z.object({
  items: z
    .array(
      z
        .object({
          at: instant.describe('When it happened.'),
          kind: z
            .enum(['event', 'note', 'update'])
            .describe(
              '`event` (an audited change), `note` (a responder’s note) or `update` (a bureau follow-up).',
            ),
          incident: z
            .object({
              id: z.string().describe('Incident id.'),
              ref: z.string().describe('Incident reference.'),
            })
            .describe('The incident it belongs to (a merged duplicate’s history shows under the survivor).'),
          action: z.string().describe('What happened, e.g. `incident.claimed`, `clock.breached`.'),
          by: z
            .object({
              userId: z.string().describe('User id.'),
              name: z.string().describe('Display name.'),
              role: z.string().describe('Role.'),
            })
            .nullable()
            .describe('Who did it; null for the system (and, for a bureau, for the CERT).'),
          text: z.string().nullable().describe('The text of a note or follow-up; null for events.'),
          data: z.record(z.string(), z.unknown()).describe('What changed (varies with the action).'),
        })
        .describe('One line of the history.'),
    )
    .describe('Everything that happened to the incident, oldest first; a bureau gets its own share.'),
});
