import type { Role } from '../auth/index.js';

/** Languages of the console; the first is the default. */
export const LANGUAGES = ['en', 'zh-HK'] as const;
export type Language = (typeof LANGUAGES)[number];

/** An enrolled TOTP second factor. */
export interface TotpFactor {
  /** Base32 secret shared with the person's authenticator app. */
  secret: string;
  enrolledAt: Date;
  /** The last RFC 6238 time step accepted: a code is good once (replay refused). */
  lastStep: number;
}

/** A one-time recovery code, stored as its SHA-256 (the codes are random, so no slow hash is needed). */
export interface RecoveryCode {
  hash: string;
  usedAt: Date | null;
}

/**
 * How a person signs in to the console, and their console preferences: one document per user, owned
 * by this module. The user record itself (name, role, bureau) stays with the auth module.
 */
export interface Account {
  userId: string;
  /** argon2id PHC string; null until set (new users, or after an administrator's reset). */
  passwordHash: string | null;
  passwordSetAt: Date | null;
  totp: TotpFactor | null;
  recoveryCodes: RecoveryCode[];
  /** Failed attempts in a row (password or second factor) since the last success or lockout. */
  failures: number;
  lockedUntil: Date | null;
  /** Sessions signed in before this instant end at their next request (password reset). */
  sessionsValidFrom: Date | null;
  /** A pending set-password link from an administrator: the SHA-256 of its token. */
  reset: { tokenHash: string; expiresAt: Date } | null;
  /** The OIDC `sub` (with its issuer) this person signed in with, once linked. */
  oidcSubject: string | null;
  language: Language | null;
  lastSignInAt: Date | null;
}

/** A person as sign-in needs them, from the auth module's users. */
export interface Person {
  id: string;
  name: string;
  email: string;
  role: Role;
  bureauId: string | null;
  /** False once an administrator disabled the user: no sign-in, and live sessions end. */
  active: boolean;
}

/** Where the client came from, for audit events. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}
