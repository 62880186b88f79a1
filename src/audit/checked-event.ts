import type { AuditEvent } from './audit-event.types.js';
import { hashEvent } from './audit-hash.js';

/**
 * Whether an event's body hashes to its stored `hash`: true or false, or the message of the error
 * hashing threw (a lone surrogate in a nested string), rethrown only if the chain reaches the event.
 */
export type HashVerdict = boolean | string;

/**
 * What the chain check needs of an event once its hash is recomputed. An event's hash depends only on
 * its own stored fields (its `prevHash` is one of them), never on a hash computed for another event,
 * so verdicts can be computed anywhere, in any order, and the linkage checked afterwards in seq order.
 */
export interface CheckedEvent {
  seq: number;
  eventId: string;
  prevHash: string;
  hash: string;
  subjectId: string | undefined;
  verdict: HashVerdict;
}

/** Recomputes the event's hash and keeps only the fields the chain check reads. */
export function checkEvent(event: AuditEvent): CheckedEvent {
  let verdict: HashVerdict;
  try {
    verdict = hashEvent(event) === event.hash;
  } catch (err) {
    verdict = err instanceof Error ? err.message : String(err);
  }
  const subject = event.subject as AuditEvent['subject'] | undefined;
  return {
    seq: event.seq,
    eventId: event.eventId,
    prevHash: event.prevHash,
    hash: event.hash,
    subjectId: subject?.id,
    verdict,
  };
}
