import type { CalendarSet } from '../clocks/index.js';
import { scopeOf, type Actor } from '../auth/index.js';
import { auditDraft, type AuditDraft } from '../audit/index.js';
import type { IncidentStatus } from '../incidents/index.js';
import { ConflictError, ValidationError } from '../platform/index.js';
import { currentClocks } from '../clocks/index.js';
import { closeProblems, clockProblems } from './close-requirements.js';
import { allowedNext, canTransition } from './lifecycle.js';
import { transitionEffects } from './workflow-effects.js';
import type { PlannedChange, WorkflowWriter } from './workflow-writer.js';
import type { Assignee, PostIncident, WorkflowIncident } from './workflow.types.js';

/** Where the workflow learns who a user is (the auth module's user service). */
export interface UserDirectory {
  get(id: string): Promise<{ id: string; name: string; role: string } | null>;
}

/** Extra input of a transition. */
export interface TransitionInput {
  to: IncidentStatus;
  /** Why it is not an incident (required to reject). */
  finding?: string;
  postIncident?: PostIncident;
  /**
   * For `closed`: the regulatory clocks still running that do not apply, by key, each with the
   * reason (`hk-gov.interim-report` → "closed within 14 days; the post-incident report covers it").
   */
  notApplicable?: Record<string, string>;
}

export const assigneeOf = (actor: Actor): Assignee => ({
  userId: actor.userId,
  name: actor.name,
  role: actor.role,
});
const subject = (incident: WorkflowIncident) => ({
  type: 'incident' as const,
  id: incident.id,
  ref: incident.ref,
});

/** Claim, assign, release, acknowledge and the lifecycle; every change conditional on the caller's version. */
export class WorkflowService {
  constructor(
    private readonly writer: WorkflowWriter,
    private readonly users: UserDirectory,
    /** The active policy's business-day calendars: clocks a transition starts count with them. */
    private readonly calendars: () => CalendarSet,
  ) {}

  private draft(
    actor: Actor,
    action: string,
    incident: WorkflowIncident,
    changes: AuditDraft['changes'],
    data = {},
  ): AuditDraft {
    return auditDraft(actor, action, subject(incident), { bureauId: incident.bureauId, changes, data });
  }

  /** Takes the incident for oneself. Of two responders claiming at once exactly one wins; the other gets 409. */
  claim(actor: Actor, id: string, version: number): Promise<WorkflowIncident> {
    const refuseIfTaken = (incident: WorkflowIncident) => {
      if (incident.assignee && incident.assignee.userId !== actor.userId) {
        throw new ConflictError(`Already claimed by ${incident.assignee.name}.`, 'already_claimed', {
          details: { assignee: incident.assignee },
        });
      }
    };
    return this.writer.mutate(
      scopeOf(actor),
      id,
      version,
      (incident) => {
        refuseIfTaken(incident);
        return this.assignment(actor, incident, assigneeOf(actor), 'incident.claimed');
      },
      refuseIfTaken,
    );
  }

  /** A lead gives the incident to a responder or lead (taking it from whoever had it). */
  async assign(actor: Actor, id: string, version: number, userId: string): Promise<WorkflowIncident> {
    const user = await this.users.get(userId);
    if (!user || !['responder', 'lead'].includes(user.role)) {
      throw new ValidationError([{ path: 'body.userId', message: 'must be a responder or lead' }]);
    }
    const to: Assignee = { userId: user.id, name: user.name, role: user.role };
    return this.writer.mutate(scopeOf(actor), id, version, (incident) =>
      this.assignment(actor, incident, to, 'incident.assigned'),
    );
  }

  /** Gives the incident back to the queue: the assignee or a lead only. */
  release(actor: Actor, id: string, version: number): Promise<WorkflowIncident> {
    return this.writer.mutate(scopeOf(actor), id, version, (incident) => {
      if (!incident.assignee) throw new ConflictError('The incident is not claimed.', 'not_claimed');
      if (incident.assignee.userId !== actor.userId && actor.role !== 'lead') {
        throw new ConflictError(
          `Claimed by ${incident.assignee.name}; only they or a lead can release it.`,
          'not_assignee',
        );
      }
      return this.assignment(actor, incident, null, 'incident.released');
    });
  }

  private assignment(
    actor: Actor,
    incident: WorkflowIncident,
    to: Assignee | null,
    action: string,
  ): PlannedChange {
    const changes = [{ field: 'assignee', before: incident.assignee, after: to }];
    return {
      change: {
        set: { assignee: to, claimedAt: to ? new Date() : null },
        // A claim of a free incident also requires it still free (the version check alone would do;
        // this states the rule in the write itself). A lead's assignment takes it from whoever had it.
        guard: action === 'incident.claimed' && !incident.assignee ? { unassigned: true } : undefined,
        audit: [this.draft(actor, action, incident, changes)],
      },
    };
  }

  /** Acknowledges the incident: the `acknowledged` transition, which meets the acknowledge clock. */
  acknowledge(actor: Actor, id: string, version: number): Promise<WorkflowIncident> {
    return this.transition(actor, id, version, { to: 'acknowledged' });
  }

  /** Moves the incident along the lifecycle; 409 naming the allowed states when the move is illegal. */
  transition(actor: Actor, id: string, version: number, input: TransitionInput): Promise<WorkflowIncident> {
    return this.writer.mutate(scopeOf(actor), id, version, (incident) =>
      this.planTransition(actor, incident, input),
    );
  }

  private planTransition(actor: Actor, incident: WorkflowIncident, input: TransitionInput): PlannedChange {
    const from = incident.status;
    if (!canTransition(from, input.to) || input.to === 'duplicate') {
      const allowed = allowedNext(from);
      const hint =
        input.to === 'duplicate' && allowed.includes('duplicate') ? ' Use the merge endpoint.' : '';
      throw new ConflictError(
        `Cannot move an incident from ${from} to ${input.to}.${hint}`,
        'illegal_transition',
        {
          details: { from, to: input.to, allowed },
        },
      );
    }
    const postIncident = { ...incident.postIncident, ...input.postIncident };
    const notApplicable = input.notApplicable ?? {};
    const calendars = this.calendars();
    if (input.to !== 'closed' && Object.keys(notApplicable).length > 0)
      throw new ValidationError([
        { path: 'notApplicable', message: 'clocks are marked not applicable only when closing' },
      ]);
    if (input.to === 'closed') {
      const problems = [
        ...closeProblems(incident.severity, postIncident),
        ...clockProblems(currentClocks(incident, calendars), notApplicable),
      ];
      if (problems.length > 0)
        throw new ValidationError(
          problems,
          'The incident cannot be closed yet: post-incident fields or regulatory clocks are open.',
        );
    }
    if (input.to === 'rejected' && !input.finding) {
      throw new ValidationError([{ path: 'finding', message: 'say why this is not an incident' }]);
    }
    const at = new Date();
    const effects = transitionEffects(incident, input.to, actor, at, notApplicable);
    const set: Record<string, unknown> = { ...effects.set, status: input.to };
    if (input.postIncident) set.postIncident = postIncident;
    if (input.finding) set.finding = input.finding;
    const changes = [{ field: 'status', before: from, after: input.to }];
    const action = input.to === 'acknowledged' ? 'incident.acknowledged' : 'incident.transitioned';
    return {
      change: {
        set,
        push: { obligations: effects.obligations, notificationOutbox: effects.outbox },
        audit: [
          this.draft(actor, action, incident, changes, {
            ...(input.finding ? { finding: input.finding } : {}),
            // As a list: clock keys hold dots, which a stored field name may not.
            ...(Object.keys(notApplicable).length > 0
              ? { notApplicable: Object.entries(notApplicable).map(([clock, reason]) => ({ clock, reason })) }
              : {}),
          }),
        ],
      },
      // The clocks follow the status, the milestone and the obligation met: their own write says how.
      clocks: true,
    };
  }
}
