import { ALL_SCOPE, scopeOf, type Actor } from '../auth/index.js';
import { auditDraft } from '../audit/index.js';
import { checkListLimit } from '../incidents/index.js';
import { readDecideWrite, type Decision } from '../platform/db/index.js';
import { ConflictError, ValidationError } from '../platform/index.js';
import { allowedNext, canTransition, isOpen } from './lifecycle.js';
import { transitionEffects } from './workflow-effects.js';
import type { WorkflowWriter } from './workflow-writer.js';
import type { MergeRef, WorkflowChange, WorkflowIncident } from './workflow.types.js';

const SURVIVOR_ATTEMPTS = 8;

/**
 * Merges a duplicate into a survivor. Two documents, no transaction: the duplicate is marked first
 * (status `duplicate`, `mergedInto`, its open clocks no longer apply), then the survivor records it in
 * `merged`; each write carries its own audit event. Repeating the request completes a merge cut short
 * by a crash, so a half-done merge is never stuck.
 */
export class MergeService {
  constructor(private readonly writer: WorkflowWriter) {}

  async merge(
    actor: Actor,
    duplicateId: string,
    version: number,
    survivorId: string,
  ): Promise<WorkflowIncident> {
    if (duplicateId === survivorId) {
      throw new ValidationError([{ path: 'body.into', message: 'an incident cannot be merged into itself' }]);
    }
    const scope = scopeOf(actor);
    const survivor = await this.writer.read(scope, survivorId);
    if (!isOpen(survivor.status)) {
      throw new ConflictError(
        `Cannot merge into an incident that is ${survivor.status}.`,
        'survivor_not_open',
      );
    }
    const current = await this.writer.read(scope, duplicateId);
    const already = current.status === 'duplicate' && current.mergedInto?.id === survivorId;
    const duplicate = already
      ? current
      : await this.writer.mutate(scope, duplicateId, version, (incident) => {
          if (!canTransition(incident.status, 'duplicate')) {
            throw new ConflictError(
              `Cannot merge an incident that is ${incident.status}.`,
              'illegal_transition',
              {
                details: { from: incident.status, to: 'duplicate', allowed: allowedNext(incident.status) },
              },
            );
          }
          const at = new Date();
          const effects = transitionEffects(incident, 'duplicate', actor, at);
          const mergedInto: MergeRef = { id: survivor.id, ref: survivor.ref, at };
          const draft = auditDraft(
            actor,
            'incident.merged_into',
            { type: 'incident', id: incident.id, ref: incident.ref },
            {
              bureauId: incident.bureauId,
              changes: [
                { field: 'status', before: incident.status, after: 'duplicate' },
                { field: 'mergedInto', before: null, after: mergedInto },
              ],
            },
          );
          return {
            change: { set: { ...effects.set, status: 'duplicate', mergedInto }, audit: [draft] },
            // Its open clocks no longer apply: the clock rules abandon them.
            clocks: true,
          };
        });
    await this.recordOnSurvivor(actor, survivorId, duplicate);
    return duplicate;
  }

  private async recordOnSurvivor(
    actor: Actor,
    survivorId: string,
    duplicate: WorkflowIncident,
  ): Promise<void> {
    // The survivor as last read: its clocks go with the rows filed after the write.
    const last: { read?: WorkflowIncident } = {};
    const updated = await readDecideWrite({
      read: async () => (last.read = await this.writer.read(ALL_SCOPE, survivorId)),
      decide: (survivor): Decision<WorkflowChange, null> => {
        if (survivor.merged.some((m) => m.id === duplicate.id)) return { done: null };
        checkListLimit(survivor.ref, 'merged', survivor.merged.length, 1);
        const entry: MergeRef = {
          id: duplicate.id,
          ref: duplicate.ref,
          at: duplicate.mergedInto?.at ?? new Date(),
        };
        const draft = auditDraft(
          actor,
          'incident.merged',
          { type: 'incident', id: survivor.id, ref: survivor.ref },
          {
            bureauId: survivor.bureauId,
            changes: [{ field: 'merged', before: survivor.merged, after: [...survivor.merged, entry] }],
            data: { duplicate: duplicate.id, duplicateRef: duplicate.ref },
          },
        );
        return {
          write: { push: { merged: [entry] }, audit: [draft] },
        };
      },
      write: (change, survivor) =>
        this.writer.repository.update(ALL_SCOPE, survivorId, survivor.revision, change),
      attempts: SURVIVOR_ATTEMPTS,
      exhausted: () =>
        new ConflictError(
          'The surviving incident is changing too fast; repeat the merge to complete it.',
          'busy',
        ),
    });
    if (updated && last.read) await this.writer.after(updated, last.read);
  }
}
