import { randomUUID } from 'node:crypto';
import { type Actor, currentContext } from '../platform/index.js';

/** What an audit event is about. */
export interface AuditSubject {
  type:
    | 'incident'
    | 'bureau'
    | 'user'
    | 'apikey'
    | 'advisory'
    | 'notification'
    | 'policy'
    | 'export'
    | 'auth'
    | 'system';
  id: string;
  /** Human reference (incident reference, advisory id) when there is one. */
  ref?: string;
}

/** One field's value before and after a change. */
export interface AuditChange {
  field: string;
  before: unknown;
  after: unknown;
}

/**
 * Data of a draft kept in an insert-only record stored before the draft's write (a triage decision's
 * reasons, in its record): the outbox carries the record's id, and the relay adds the data when it
 * chains the draft (`AuditRelay.completeWith`). The event chained is the same as with the data inline;
 * the document written, and rewritten by the relay's pull, does not carry it twice.
 */
export interface DraftCompletion {
  /** Which completer fills it in, e.g. `triage-decision-reasons`. */
  source: string;
  /** The record's id. */
  id: string;
}

/**
 * An audit event before it joins the hash chain. Drafts travel inside the changed document's
 * `pendingAudit` array (the outbox), so the change and its event are written by one atomic update.
 */
export interface AuditDraft {
  eventId: string;
  at: Date;
  actor: { userId: string; keyId: string | null; role: string; bureauId: string | null; name: string };
  action: string;
  subject: AuditSubject;
  /** The bureau the subject belongs to, so a bureau's share of the trail can be selected. */
  bureauId: string | null;
  changes: AuditChange[];
  requestId: string | null;
  policyVersion: string | null;
  data: Record<string, unknown>;
  /** Data the relay adds from a record before chaining (never part of the chained event itself). */
  completeFrom?: DraftCompletion;
}

/** The outbox field every audited collection carries. */
export const PENDING_AUDIT_FIELD = 'pendingAudit';

export interface DraftOptions {
  bureauId?: string | null;
  changes?: AuditChange[];
  policyVersion?: string | null;
  data?: Record<string, unknown>;
  at?: Date;
  completeFrom?: DraftCompletion;
}

/**
 * Builds a draft for `action` on `subject` by `actor`, stamped with the current request id (ours); a
 * caller's own X-Request-Id goes into `data.clientRequestId`, since the hashed fields are fixed.
 */
export function auditDraft(
  actor: Actor,
  action: string,
  subject: AuditSubject,
  options: DraftOptions = {},
): AuditDraft {
  const context = currentContext();
  const data = options.data ?? {};
  return {
    eventId: randomUUID(),
    at: options.at ?? new Date(),
    actor: {
      userId: actor.userId,
      keyId: actor.keyId,
      role: actor.role,
      bureauId: actor.bureauId,
      name: actor.name,
    },
    action,
    subject,
    bureauId: options.bureauId ?? null,
    changes: options.changes ?? [],
    requestId: context?.requestId ?? null,
    policyVersion: options.policyVersion ?? null,
    data: context?.clientRequestId ? { clientRequestId: context.clientRequestId, ...data } : data,
    ...(options.completeFrom ? { completeFrom: options.completeFrom } : {}),
  };
}

/** Lists the fields whose values differ between two plain objects (shallow, JSON comparison). */
export function diffFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  fields: readonly string[],
): AuditChange[] {
  return fields
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
}

/** The `pendingAudit` outbox of a document as a write returned it (empty when it has none). */
export function storedOutbox(doc: Record<string, unknown>): unknown[] {
  const outbox = doc[PENDING_AUDIT_FIELD];
  return Array.isArray(outbox) ? (outbox as unknown[]) : [];
}
