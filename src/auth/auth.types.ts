import type { Role } from '../platform/index.js';

/** Someone at a bureau to reach about its incidents (IT security officer, duty manager...). */
export interface BureauContact {
  name: string;
  email: string;
  role: string;
  /** A number to call at any hour; a round-the-clock contact has one. */
  phone?: string;
  /** One of the bureau's round-the-clock contacts (G3 18.1 asks for two). */
  roundTheClock?: boolean;
}

/** Who last confirmed a bureau's contacts are current. */
export interface ContactsConfirmer {
  userId: string;
  name: string;
  role: string;
}

/** A bureau or department the CERT serves, identified by its short code (`DH`, `WSD`). */
export interface Bureau {
  code: string;
  name: string;
  /** Reporting regimes the bureau falls under (`HK-GOV`, `HK-CI`), which decide its clocks. */
  regimes: string[];
  contacts: BureauContact[];
  createdAt: Date;
  /** False once deactivated: the bureau files no new reports; its incidents stay readable. */
  active: boolean;
  deactivatedAt: Date | null;
  /** When someone last confirmed (or saved) the contacts as current; null when never. */
  contactsConfirmedAt: Date | null;
  contactsConfirmedBy: ContactsConfirmer | null;
}

/** A person or system account. Reporters always have a bureau; CERT staff may have none. */
export interface User {
  id: string;
  name: string;
  email: string;
  role: Role;
  bureauId: string | null;
  createdAt: Date;
  /** Set while the user is disabled: none of their keys authenticates. */
  disabledAt: Date | null;
}

/** What may be shown about an API key: never the secret, never its hash. */
export interface ApiKeyInfo {
  keyId: string;
  userId: string;
  label: string;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** A key as authentication needs it: with the hash of its secret. Stays inside the auth module. */
export interface StoredApiKey extends ApiKeyInfo {
  secretHash: Buffer;
}

/** A freshly issued key: the only time the full key text exists outside the caller's hands. */
export interface IssuedApiKey extends ApiKeyInfo {
  key: string;
}
