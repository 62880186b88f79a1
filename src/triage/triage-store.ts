import type { Incident, IncidentChange } from '../incidents/index.js';
import type { Scope } from '../platform/index.js';

/**
 * Where triage reads the incidents it decides and stores the outcome: the incidents module's own
 * store (intake builds the triage service on it), named here by the operations triage needs, so no
 * module but the incidents one holds its repository.
 */
export interface TriageStore {
  findById(scope: Scope, id: string): Promise<Incident | null>;
  /**
   * The incident as this process inserted it, given once, for a first read that need not go to the
   * store (the decision's write is conditional on its revision); undefined when there is none.
   */
  takeInserted(id: string): Incident | undefined;
  /** The decision's write, conditional on `revision` (the responder's version moves). */
  applyChange(scope: Scope, id: string, revision: number, change: IncidentChange): Promise<Incident | null>;
  /** A decision a responder cannot see, conditional on the revision and decision read (no version move). */
  applyUnseenTriage(
    id: string,
    expected: { revision: number; decisionId: string },
    change: Pick<IncidentChange, 'set' | 'audit'>,
  ): Promise<Incident | null>;
  /** Incidents still waiting for a decision, oldest first (the reconciler's work list). */
  findTriagePending(scope: Scope, limit: number): Promise<Incident[]>;
}
