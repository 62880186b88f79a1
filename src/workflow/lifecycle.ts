import type { IncidentStatus } from '../incidents/index.js';

/**
 * The incident lifecycle as one table: the states a responder may move an incident to from each
 * state. `triaged` is entered by triage only; `duplicate` only through a merge. A suspected incident
 * found not to be one is `rejected` (with its finding) and still reported back to the bureau.
 */
export const TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = Object.freeze({
  reported: ['rejected', 'duplicate'],
  triaged: ['acknowledged', 'rejected', 'duplicate'],
  acknowledged: ['investigating', 'rejected', 'duplicate'],
  investigating: ['contained', 'rejected', 'duplicate'],
  // Containment can fail: back to investigating.
  contained: ['eradicated', 'investigating'],
  eradicated: ['recovered'],
  // Recovery can reveal more: back to investigating.
  recovered: ['closed', 'investigating'],
  closed: [],
  rejected: [],
  duplicate: [],
});

/** States an incident can be in; the keys of {@link TRANSITIONS}. */
export const LIFECYCLE_STATES = Object.keys(TRANSITIONS) as IncidentStatus[];

/** States no longer worked: out of the queues, clocks stop escalating. */
export const FINAL_STATES: readonly IncidentStatus[] = ['closed', 'rejected', 'duplicate'];

/** The states `from` may move to. */
export function allowedNext(from: IncidentStatus): readonly IncidentStatus[] {
  return TRANSITIONS[from];
}

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export const isOpen = (status: IncidentStatus): boolean => !FINAL_STATES.includes(status);
