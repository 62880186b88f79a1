import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AuditDraft } from './audit-draft.js';
import type { AuditEvent, ChainHead } from './audit-event.types.js';

/** `prevHash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The chain before its first event. */
export const EMPTY_HEAD: ChainHead = Object.freeze({ seq: 0, hash: GENESIS_HASH });

/**
 * Reduces any value to plain JSON (Dates become ISO strings, ObjectIds hex, undefined dropped).
 * Hashing and storing the same reduced value is what makes a stored event re-hash identically.
 */
export function toPlainJson<T>(value: T): T {
  const text = JSON.stringify(value) as string | undefined;
  return JSON.parse(text ?? 'null') as T;
}

/** RFC 8785 canonical JSON of a plain value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no canonical JSON form');
  return text;
}

/** SHA-256 (hex) of the event without its own `hash`. */
export function hashEvent(event: Omit<AuditEvent, 'hash'> & { hash?: string }): string {
  const body: Record<string, unknown> = {
    seq: event.seq,
    eventId: event.eventId,
    at: event.at,
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    bureauId: event.bureauId,
    changes: event.changes,
    requestId: event.requestId,
    policyVersion: event.policyVersion,
    data: event.data,
    prevHash: event.prevHash,
  };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** Turns drafts into chained events following `head`, in the order given. */
export function sealDrafts(head: ChainHead, drafts: readonly AuditDraft[]): AuditEvent[] {
  let previous = head;
  return drafts.map((draft) => {
    const at = draft.at instanceof Date ? draft.at.toISOString() : new Date(draft.at).toISOString();
    const unsealed = toPlainJson({
      seq: previous.seq + 1,
      eventId: draft.eventId,
      at,
      actor: draft.actor,
      action: draft.action,
      subject: draft.subject,
      bureauId: draft.bureauId ?? null,
      changes: draft.changes,
      requestId: draft.requestId ?? null,
      policyVersion: draft.policyVersion ?? null,
      data: draft.data,
      prevHash: previous.hash,
    });
    const event: AuditEvent = { ...unsealed, hash: hashEvent(unsealed) };
    previous = { seq: event.seq, hash: event.hash };
    return event;
  });
}
