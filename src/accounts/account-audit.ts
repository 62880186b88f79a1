import { auditDraft, type AuditDraft } from '../audit/index.js';
import { systemActor, type Actor } from '../auth/index.js';
import type { ClientInfo, Person } from './account.types.js';

/** Where events that change no account go (the audit module's `record`). */
export interface AuditRecorder {
  record(draft: AuditDraft): Promise<void>;
}

/** The person as the actor of their own sign-in events. */
export function personActor(person: Person): Actor {
  return { userId: person.id, keyId: null, role: person.role, bureauId: person.bureauId, name: person.name };
}

/** An event about `person`'s account, with where the request came from. */
export function accountEvent(
  actor: Actor,
  action: string,
  person: Person,
  client: ClientInfo | null,
  data: Record<string, unknown> = {},
): AuditDraft {
  return auditDraft(
    actor,
    action,
    { type: 'user', id: person.id, ref: person.email },
    { bureauId: person.bureauId, data: { ...data, ...(client ? clientData(client) : {}) } },
  );
}

export function clientData(client: ClientInfo): Record<string, unknown> {
  return { ip: client.ip, userAgent: client.userAgent };
}

/**
 * An event of an attempt by someone not (yet) known: it names what was presented (the email typed),
 * not who the caller claims to be, like the API's failed key checks.
 */
export function anonymousEvent(
  action: string,
  email: string,
  client: ClientInfo,
  data: Record<string, unknown> = {},
): AuditDraft {
  const draft = auditDraft(
    systemActor('console'),
    action,
    { type: 'auth', id: `ip:${client.ip}`, ref: email },
    { data: { ...data, email, ...clientData(client) } },
  );
  return {
    ...draft,
    actor: { userId: 'anonymous', keyId: null, role: 'anonymous', bureauId: null, name: 'anonymous' },
  };
}
