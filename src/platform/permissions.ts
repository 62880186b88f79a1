/**
 * The one permission matrix of the system. Every route names one of these permissions (or 'public');
 * a role holds exactly the permissions listed for it here, nothing is granted anywhere else.
 */
export const ROLES = ['reporter', 'responder', 'lead', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'self.read',
  'incident.create',
  'incident.read',
  'incident.update',
  'incident.work',
  'incident.assign',
  'incident.merge',
  'obligation.record',
  'queue.read',
  'advisory.read',
  /** A reporter's own bureau's advisories: those sent to the bureau (its contacts), nothing else. */
  'advisory.read_own',
  'advisory.draft',
  'advisory.approve',
  'advisory.send',
  'audit.read',
  'audit.verify',
  'report.export',
  'policy.read',
  'policy.manage',
  'admin.bureaux',
  /** A bureau's contacts: reporters their own bureau's (the service scopes it), administrators any. */
  'bureau.contacts',
  'admin.users',
  'admin.keys',
  /** The job queue dashboard (Bull Board, read-only) under the console. */
  'admin.queues',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a route may declare: a permission, or 'public' for the few unauthenticated endpoints. */
export type RoutePermission = Permission | 'public';

const CERT_WORK: Permission[] = [
  'self.read',
  'incident.create',
  'incident.read',
  'incident.update',
  'incident.work',
  'incident.merge',
  'obligation.record',
  'queue.read',
  'advisory.read',
  'advisory.draft',
  'advisory.send',
  'policy.read',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = Object.freeze({
  // Bureau IT staff: their own bureau's incidents only (scoping is enforced in the repositories).
  reporter: new Set<Permission>([
    'self.read',
    'incident.create',
    'incident.read',
    'incident.update',
    'obligation.record',
    'advisory.read_own',
    'bureau.contacts',
  ]),
  responder: new Set<Permission>(CERT_WORK),
  lead: new Set<Permission>([...CERT_WORK, 'incident.assign', 'advisory.approve']),
  // Read-only, everything, plus exports and verification.
  auditor: new Set<Permission>([
    'self.read',
    'incident.read',
    'queue.read',
    'advisory.read',
    'audit.read',
    'audit.verify',
    'report.export',
    'policy.read',
  ]),
  // No incident.read: their exports are limited to the audit trail (see reports' assertMayExport).
  admin: new Set<Permission>([
    'self.read',
    'admin.bureaux',
    'bureau.contacts',
    'admin.users',
    'admin.keys',
    'admin.queues',
    'policy.read',
    'policy.manage',
    'audit.read',
    'audit.verify',
    'report.export',
  ]),
});

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
