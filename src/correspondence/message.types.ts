import type { Role } from '../auth/index.js';

/** Which side of the correspondence wrote a message: the reporting bureau, or the CERT. */
export const MESSAGE_SIDES = ['bureau', 'cert'] as const;
export type MessageSide = (typeof MESSAGE_SIDES)[number];

/** The longest message body, in characters (plain text). */
export const MESSAGE_BODY_MAX = 5000;

/** The most messages one thread shows (oldest first): a thread is a conversation, not a log. */
export const THREAD_LIMIT = 500;

/** Who wrote a message, as it was when they wrote it. */
export interface MessageAuthor {
  userId: string;
  name: string;
  role: Role;
  side: MessageSide;
}

/** One message between a bureau and the CERT on an incident, stored once and never changed. */
export interface IncidentMessage {
  id: string;
  incidentId: string;
  /** The incident's bureau, so a bureau's messages can be selected without reading incidents. */
  bureauId: string;
  author: MessageAuthor;
  body: string;
  createdAt: Date;
}

/**
 * A message as the reader may see it. A bureau sees the CERT as one party: a CERT author's name and
 * role are left out for it, as the bureau's history of the incident leaves them out.
 */
export interface MessageView {
  id: string;
  incidentId: string;
  side: MessageSide;
  author: { name: string; role: Role } | null;
  body: string;
  createdAt: Date;
}
