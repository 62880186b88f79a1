import type { AuditDraft } from './audit-draft.js';

/**
 * An event of the hash chain, as stored and as hashed. Every value is plain JSON (the `at` instant
 * is an ISO-8601 UTC string), so what FerretDB/MongoDB hands back hashes exactly as it was written.
 */
export interface AuditEvent extends Omit<AuditDraft, 'at'> {
  /** Gapless position in the chain, from 1; stored as `_id` so the unique index forbids a fork. */
  seq: number;
  /** When it happened (UTC, ISO-8601 with milliseconds). */
  at: string;
  /** `hash` of the event at `seq - 1`, or 64 zeros for the first. */
  prevHash: string;
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of every other field. */
  hash: string;
}

/** A signed statement "the chain up to `seq` ends in `headHash`". */
export interface AuditCheckpoint {
  seq: number;
  headHash: string;
  at: string;
  /** SHA-256 (hex) of the signing public key's SPKI DER, so a rotated key is recognisable. */
  keyId: string;
  /** Ed25519 signature (base64) over the canonical JSON of `{ seq, headHash, at, keyId }`. */
  signature: string;
}

/** The last event of the chain, or `{ seq: 0, hash: GENESIS }` when it is empty. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export type VerifyFailure =
  | 'malformed'
  | 'gap'
  | 'unexpected_seq'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'duplicate_event_id'
  | 'checkpoint_signature_invalid'
  | 'checkpoint_unknown_key'
  | 'checkpoint_mismatch'
  | 'truncated';

/** The answer of a verification, online or offline. */
export interface VerifyReport {
  ok: boolean;
  eventsChecked: number;
  checkpointsChecked: number;
  head: ChainHead;
  /** The first problem found, by the sequence number where it shows. */
  firstBad?: { seq: number; reason: VerifyFailure; detail?: string };
  /** With a subject filter: how many of the checked events concern it, and whether they all verified. */
  subject?: { type?: string; id: string; events: number; ok: boolean };
}
