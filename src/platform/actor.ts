import type { Role } from './permissions.js';

/** Who is acting: set by authentication, carried into services and audit events. */
export interface Actor {
  userId: string;
  /** API key id, or null for system actors (workers, CLI). */
  keyId: string | null;
  role: Role | 'system';
  /** The user's bureau (reporters always have one; CERT staff have the CERT's own code or null). */
  bureauId: string | null;
  name: string;
}

/** The data a caller may touch: one bureau's, or everything. Repositories take it as first argument. */
export type Scope = { readonly kind: 'bureau'; readonly bureauId: string } | { readonly kind: 'all' };

export const ALL_SCOPE: Scope = Object.freeze({ kind: 'all' });

/** Reporters see their own bureau only; every other role sees all bureaux. */
export function scopeOf(actor: Actor): Scope {
  if (actor.role === 'reporter') {
    if (!actor.bureauId) throw new Error('reporter without a bureau');
    return Object.freeze({ kind: 'bureau', bureauId: actor.bureauId });
  }
  return ALL_SCOPE;
}

/** The actor of work done by the system itself (workers, reconcilers), for the audit trail. */
export function systemActor(name: string): Actor {
  return { userId: `system:${name}`, keyId: null, role: 'system', bureauId: null, name };
}
