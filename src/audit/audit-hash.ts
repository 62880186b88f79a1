import { hash } from 'node:crypto';
import type { AuditDraft } from './audit-draft.js';
import type { AuditEvent, ChainHead } from './audit-event.types.js';
import { fastCanonicalize } from './canonical-json.js';

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

/** RFC 8785 canonical JSON of a plain value (byte for byte what `canonicalize` writes). */
export function canonicalJson(value: unknown): string {
  const text = fastCanonicalize(value);
  if (text === undefined) throw new Error('value has no canonical JSON form');
  return text;
}

/** The hashed fields of an event, in RFC 8785 (UTF-16 code unit) order. */
const HASHED_FIELDS = [
  'action',
  'actor',
  'at',
  'bureauId',
  'changes',
  'data',
  'eventId',
  'policyVersion',
  'prevHash',
  'requestId',
  'seq',
  'subject',
] as const;

/**
 * RFC 8785 canonical JSON of the hashed fields of an event. Same bytes as `canonicalize` of the object
 * made of those fields (a property test holds them equal), but the top level is assembled directly:
 * verification hashes a million events, and the generic sort and recursion there dominated.
 */
export function canonicalEventJson(event: Omit<AuditEvent, 'hash'>): string {
  const parts: string[] = [];
  for (const field of HASHED_FIELDS) {
    const value: unknown = event[field];
    if (value === undefined) continue;
    parts.push(`"${field}":${typeof value === 'string' ? JSON.stringify(value) : canonicalJson(value)}`);
  }
  return `{${parts.join(',')}}`;
}

/** SHA-256 (hex) of the event without its own `hash`. */
export function hashEvent(event: Omit<AuditEvent, 'hash'> & { hash?: string }): string {
  // The one-shot `crypto.hash` skips the Hash object: measurable at a million events.
  return hash('sha256', canonicalEventJson(event), 'hex');
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
