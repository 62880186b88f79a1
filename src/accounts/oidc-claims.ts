import type { Role } from '../auth/index.js';

/** How ID-token claims become a person's role and bureau (from OIDC_* config). */
export interface ClaimMapping {
  roleClaim: string;
  roleMap: Readonly<Record<string, Role>>;
  bureauClaim: string;
}

/** Why claims name nobody we may let in; each is an audit reason and a message on the sign-in page. */
export type ClaimRefusal = 'no_email' | 'email_unverified' | 'no_role' | 'ambiguous_role' | 'no_bureau';

export type MappedClaims =
  | { ok: true; email: string; name: string; role: Role; bureauId: string | null }
  | { ok: false; reason: ClaimRefusal };

const BUREAU_CODE = /^[A-Z][A-Z0-9]{1,15}$/;

function values(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === 'string');
  return [];
}

/**
 * Maps verified ID-token claims: the email (not one the issuer says is unverified), exactly one role
 * from the role claim's values, and for reporters a bureau code. Two roles are refused rather than
 * guessed: which one was meant is for the identity provider's administrators to settle.
 */
export function mapClaims(claims: Readonly<Record<string, unknown>>, mapping: ClaimMapping): MappedClaims {
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!email.includes('@')) return { ok: false, reason: 'no_email' };
  if (claims.email_verified === false) return { ok: false, reason: 'email_unverified' };
  const roles = new Set(
    values(claims[mapping.roleClaim])
      .filter((value) => Object.hasOwn(mapping.roleMap, value))
      .map((value) => mapping.roleMap[value]),
  );
  if (roles.size === 0) return { ok: false, reason: 'no_role' };
  if (roles.size > 1) return { ok: false, reason: 'ambiguous_role' };
  const [role] = [...roles];
  const bureau = values(claims[mapping.bureauClaim])[0]?.trim().toUpperCase();
  const bureauId = bureau && BUREAU_CODE.test(bureau) ? bureau : null;
  if (role === 'reporter' && !bureauId) return { ok: false, reason: 'no_bureau' };
  const name = typeof claims.name === 'string' && claims.name.trim() !== '' ? claims.name.trim() : email;
  return { ok: true, email, name, role, bureauId: role === 'reporter' ? bureauId : null };
}
