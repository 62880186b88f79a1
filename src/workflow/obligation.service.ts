import { scopeOf, type Actor } from '../auth/index.js';
import { auditDraft } from '../audit/index.js';
import {
  meetClocks,
  metByAction,
  recordableBy,
  type CalendarSet,
  type IncidentClock,
  type RecordedObligation,
} from '../clocks/index.js';
import { earliestReportTime, type ReportTimeBounds } from '../incidents/index.js';
import { ForbiddenError, ValidationError } from '../platform/index.js';
import { clockChanges, currentClocks } from '../clocks/index.js';
import { recordedBy } from './workflow-effects.js';
import type { WorkflowWriter } from './workflow-writer.js';
import type { WorkflowIncident } from './workflow.types.js';

/** An obligation as sent: what was done, when, and any reference (a Police case number, say). */
export interface ObligationInput {
  obligation: string;
  at: Date;
  reference?: string;
  note?: string;
}

/** Where an action meets a CERT obligation, for the refusal's words. */
const ACTION_WORDS: Record<string, string> = {
  acknowledged: 'acknowledging the incident (POST …/acknowledge)',
  contained: 'moving the incident to `contained` (POST …/transitions)',
};

/**
 * Records obligations done ("reported to GIRO-SO by phone at 10:42", "Police case reference ...").
 * Reporters may record them for their own bureau's incidents only: the scope goes to the repository,
 * so another bureau's incident is simply not found. A bureau records only the reports it owes; the
 * CERT's acknowledge and contain clocks are met by the CERT's actions, never by a record.
 */
export class ObligationService {
  constructor(
    private readonly writer: WorkflowWriter,
    private readonly timeBounds: ReportTimeBounds,
    /** The active policy's business-day calendars: chained and repeating clocks count with them. */
    private readonly calendars: () => CalendarSet,
  ) {}

  /** Stores the record and meets the clocks waiting for it: met if on time, breached (late) if not. */
  record(actor: Actor, id: string, version: number, input: ObligationInput): Promise<WorkflowIncident> {
    const caller = scopeOf(actor).kind === 'bureau' ? 'bureau' : 'cert';
    // Checked before the incident is read: the answer must not depend on which incident was named.
    if (caller === 'bureau' && !recordableBy('bureau', input.obligation))
      throw new ForbiddenError(
        'A bureau records only the reports it owes (`report.*`); the CERT’s own clocks are met by its actions.',
        { details: { obligation: input.obligation } },
      );
    const state = metByAction(input.obligation);
    if (state !== undefined)
      throw new ValidationError([
        {
          path: 'body.obligation',
          message: `is met by ${ACTION_WORDS[state] ?? `the \`${state}\` transition`}, not recorded`,
        },
      ]);
    const record: RecordedObligation = {
      obligation: input.obligation,
      at: input.at,
      recordedBy: recordedBy(actor),
    };
    if (input.reference) record.reference = input.reference;
    if (input.note) record.note = input.note;
    return this.writer.mutate(scopeOf(actor), id, version, (incident) => {
      // A time long before the report would start a repeating clock's next occurrence overdue.
      const earliest = earliestReportTime(incident.reportedAt, this.timeBounds);
      if (input.at.getTime() < earliest.getTime()) {
        throw new ValidationError([
          {
            path: 'body.at',
            message: `must be at most ${this.timeBounds.maxAgeDays} days before the report (not before ${earliest.toISOString()})`,
          },
        ]);
      }
      const calendars = this.calendars();
      const before = currentClocks(incident, calendars);
      // Before triage the incident has no clocks yet: the record is kept and meets them when they come.
      if (incident.triage) checkAgainstClocks(before, caller, input);
      // What the record meets, for its audit event: the clock service takes it in with the clocks' own
      // write (`clocks.updated`), from the obligation stored here.
      const { clocks, met } = meetClocks(before, input.obligation, input.at, calendars);
      const draft = auditDraft(
        actor,
        'obligation.recorded',
        { type: 'incident', id: incident.id, ref: incident.ref },
        {
          bureauId: incident.bureauId,
          changes: clockChanges(before, clocks),
          data: {
            obligation: input.obligation,
            at: input.at.toISOString(),
            reference: input.reference ?? null,
            clocks: met.map((clock) => ({
              key: clock.key,
              state: clock.state,
              occurrence: clock.occurrence,
            })),
          },
        },
      );
      return {
        change: { push: { obligations: [record] }, audit: [draft] },
        clocks: true,
      };
    });
  }
}

/**
 * The record must name an obligation one of the incident's clocks is met or started by (the names
 * the caller may record, listed in the 422), and must not predate the start of a clock it would meet.
 */
function checkAgainstClocks(
  clocks: readonly IncidentClock[],
  caller: 'bureau' | 'cert',
  input: ObligationInput,
): void {
  const names = new Set<string>();
  for (const clock of clocks) {
    names.add(clock.obligation);
    if (clock.after) names.add(clock.after.obligation);
  }
  const allowed = [...names].filter((name) => recordableBy(caller, name)).sort();
  if (!allowed.includes(input.obligation)) {
    const valid =
      allowed.length > 0 ? `one of ${allowed.join(', ')}` : 'none: no clock of it can be recorded';
    throw new ValidationError([
      {
        path: 'body.obligation',
        message: `no clock of this incident is met by it; valid: ${valid}`,
        allowed,
      },
    ]);
  }
  const at = input.at.getTime();
  for (const clock of clocks) {
    if (clock.obligation !== input.obligation || clock.startsAt === undefined) continue;
    const waiting = clock.state === 'running' || (clock.state === 'breached' && !clock.metAt);
    if (waiting && at < new Date(clock.startsAt).getTime())
      throw new ValidationError([
        {
          path: 'body.at',
          message: `is before ${clock.name} started (${new Date(clock.startsAt).toISOString()})`,
        },
      ]);
  }
}
