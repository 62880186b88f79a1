import { scopeOf, type Actor } from '../auth/index.js';
import { auditDraft } from '../audit/index.js';
import { ValidationError, type PapLevel, type TlpLevel } from '../platform/index.js';
import type { PlannedChange, WorkflowWriter } from './workflow-writer.js';
import type { WorkflowIncident } from './workflow.types.js';

/** New markings; a level left out stays as it is. */
export interface MarkingsInput {
  tlp?: TlpLevel;
  pap?: PapLevel;
}

/**
 * A responder's change of an incident's TLP and PAP: versioned like every responder change (a stale
 * version is a 412), audited as `incident.markings_changed` in the same write. Setting what is already
 * set writes nothing and records nothing (a double submit is not a second change).
 */
export class MarkingsService {
  constructor(private readonly writer: WorkflowWriter) {}

  async set(actor: Actor, id: string, version: number, input: MarkingsInput): Promise<WorkflowIncident> {
    if (input.tlp === undefined && input.pap === undefined) {
      throw new ValidationError([{ path: 'body', message: 'give tlp, pap or both' }]);
    }
    try {
      return await this.writer.mutate(scopeOf(actor), id, version, (incident) =>
        this.plan(actor, incident, input),
      );
    } catch (err) {
      if (err instanceof Unchanged) return err.incident;
      throw err;
    }
  }

  private plan(actor: Actor, incident: WorkflowIncident, input: MarkingsInput): PlannedChange {
    const changes = [
      ...(input.tlp !== undefined && input.tlp !== incident.tlp
        ? [{ field: 'tlp', before: incident.tlp, after: input.tlp }]
        : []),
      ...(input.pap !== undefined && input.pap !== incident.pap
        ? [{ field: 'pap', before: incident.pap, after: input.pap }]
        : []),
    ];
    if (changes.length === 0) throw new Unchanged(incident);
    const set = Object.fromEntries(changes.map((c) => [c.field, c.after]));
    const draft = auditDraft(
      actor,
      'incident.markings_changed',
      { type: 'incident', id: incident.id, ref: incident.ref },
      { bureauId: incident.bureauId, changes },
    );
    return { change: { set, audit: [draft] } };
  }
}

/** Ends the write early when the incident already carries the markings asked for (nothing to write). */
class Unchanged extends Error {
  constructor(readonly incident: WorkflowIncident) {
    super('markings unchanged');
  }
}
