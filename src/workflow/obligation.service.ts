import { scopeOf, type Actor } from '../auth/index.js';
import { auditDraft } from '../audit/index.js';
import { meetClocks, type CalendarSet, type RecordedObligation } from '../clocks/index.js';
import { earliestReportTime, type ReportTimeBounds } from '../incidents/index.js';
import { ValidationError } from '../platform/errors.js';
import { clockChanges, clockFields, currentClocks } from './clock-fields.js';
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

/**
 * Records obligations done ("reported to GIRO-SO by phone at 10:42", "Police case reference ...").
 * Reporters may record them for their own bureau's incidents only: the scope goes to the repository,
 * so another bureau's incident is simply not found.
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
      const { clocks, met } = meetClocks(before, input.obligation, input.at, calendars);
      const fields = clockFields(incident, clocks);
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
        change: {
          set: fields.set,
          push: { obligations: [record] },
          bump: { revision: true, clockSeq: true },
          audit: [draft],
        },
        timers: fields.timers,
      };
    });
  }
}
