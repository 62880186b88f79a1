import { createHash } from 'node:crypto';
import { auditDraft } from '../audit/index.js';
import { systemActor, type Actor, type Role } from '../auth/index.js';
import type { IncidentService, IncidentView } from '../incidents/index.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../platform/index.js';
import type { MessageMailer } from './message-mail.js';
import type { MessageRepository } from './message.repository.js';
import { messageBody } from './message.schemas.js';
import { THREAD_LIMIT, type IncidentMessage, type MessageSide, type MessageView } from './message.types.js';

const SWEEPER = systemActor('correspondence');

/** The roles that write to a thread, and for which side; auditors and administrators only read. */
const WRITERS: Readonly<Partial<Record<Role, MessageSide>>> = {
  reporter: 'bureau',
  responder: 'cert',
  lead: 'cert',
};

/** The side `actor` writes for, or null when their role does not write messages. */
export function sideOf(actor: Actor): MessageSide | null {
  return actor.role === 'system' ? null : (WRITERS[actor.role] ?? null);
}

/** What `actor` may see of `message`: a bureau does not see which CERT staff wrote. */
export function toMessageView(message: IncidentMessage, actor: Actor): MessageView {
  const hidden = actor.role === 'reporter' && message.author.side === 'cert';
  return {
    id: message.id,
    incidentId: message.incidentId,
    side: message.author.side,
    author: hidden ? null : { name: message.author.name, role: message.author.role },
    body: message.body,
    createdAt: message.createdAt,
  };
}

/**
 * The correspondence between a bureau and the CERT on one incident. Scoping is the incidents module's:
 * every call first reads the incident through its service as the actor, so another bureau's incident
 * (or one that does not exist) is its 404 and nothing of the thread is read or written.
 */
export class CorrespondenceService {
  constructor(
    private readonly incidents: Pick<IncidentService, 'get'>,
    private readonly repository: MessageRepository,
    private readonly mailer: MessageMailer,
  ) {}

  /** The incident's thread, oldest first, as `actor` may see it. */
  async thread(actor: Actor, incidentId: string): Promise<MessageView[]> {
    await this.incidents.get(actor, incidentId);
    const messages = await this.repository.thread(incidentId, THREAD_LIMIT);
    return messages.map((message) => toMessageView(message, actor));
  }

  /** Whether `actor`'s role writes messages (the pages offer the form only then). */
  canPost(actor: Actor): boolean {
    return sideOf(actor) !== null;
  }

  /**
   * Stores a message from `actor` on the incident with its `incident.message_posted` audit event in
   * the same insert, then asks for the mail to the other side. 404 outside the actor's scope, 403 for
   * roles that only read, 422 for an empty or too long body.
   */
  async post(actor: Actor, incidentId: string, body: string): Promise<MessageView> {
    const incident: IncidentView = await this.incidents.get(actor, incidentId);
    const side = sideOf(actor);
    if (actor.role === 'system' || side === null) {
      throw new ForbiddenError('Your role reads the correspondence but does not write to it.');
    }
    const parsed = messageBody.safeParse(body);
    if (!parsed.success) {
      throw new ValidationError(
        parsed.error.issues.map((issue) => ({ path: 'body', message: issue.message })),
      );
    }
    const text = parsed.data;
    const message = await this.repository.insert(
      {
        incidentId: incident.id,
        bureauId: incident.bureauId,
        author: { userId: actor.userId, name: actor.name, role: actor.role, side },
        body: text,
        createdAt: new Date(),
      },
      (messageId) =>
        auditDraft(
          actor,
          'incident.message_posted',
          { type: 'incident', id: incident.id, ref: incident.ref },
          {
            bureauId: incident.bureauId,
            // The digest ties the trail to the stored text without copying it into every export.
            data: {
              messageId,
              side,
              length: text.length,
              sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
            },
          },
        ),
    );
    if (await this.mailer.messagePosted(actor, incident, message)) {
      await this.repository.mailRequested(message.id);
    }
    return toMessageView(message, actor);
  }

  /**
   * Requests the mails still owed by messages written more than `graceMs` ago (the process that wrote
   * them died, or the store refused the request): the notifications module's idempotency key is the
   * message id, so a mail requested just before a crash is not sent twice. Returns how many it settled.
   */
  async requestOwedMail(graceMs = 60_000, limit = 100): Promise<number> {
    const owed = await this.repository.mailOwed(new Date(Date.now() - graceMs), limit);
    let settled = 0;
    for (const message of owed) {
      let incident: IncidentView;
      try {
        incident = await this.incidents.get(SWEEPER, message.incidentId);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        await this.repository.mailRequested(message.id); // no incident, nobody to tell
        continue;
      }
      if (await this.mailer.messagePosted(SWEEPER, incident, message)) {
        await this.repository.mailRequested(message.id);
        settled += 1;
      }
    }
    return settled;
  }
}
