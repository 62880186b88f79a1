import type { Actor } from '../auth/index.js';
import type { IncidentView } from '../incidents/index.js';
import type { NotificationRecipient, NotificationRequest } from '../notifications/index.js';
import { ValidationError, type Logger } from '../platform/index.js';
import type { IncidentMessage } from './message.types.js';

/** The CERT's duty recipients (a recipient list): told of a bureau's message nobody is assigned to read. */
export const CERT_DUTY_ROUTES = ['cert-duty'] as const;

/** The bureau's contacts, as the notifications module resolves them for the incident's bureau. */
export const BUREAU_ROUTES = ['reporting-bureau'] as const;

/** The mail template of a new message (English and Chinese in one mail). */
export const MESSAGE_TEMPLATE = 'incident-message';

/** How the CERT signs its side of the correspondence to a bureau (responders' names stay inside). */
export const CERT_NAME = 'GovCERT.HK';

/** The notifications module's request, as this module uses it. */
export interface MailRequests {
  request(actor: Actor, input: NotificationRequest): Promise<unknown>;
}

/** Who the incident is assigned to now (the workflow's assignee), or null. */
export interface AssigneeLookup {
  assigneeOf(incidentId: string): Promise<{ userId: string } | null>;
}

/** CERT staff by id (the auth module's users). */
export interface StaffDirectory {
  get(id: string): Promise<{ email: string; name: string; disabledAt: Date | null } | null>;
}

/**
 * Tells the other side that a message is waiting, through the notifications module (which stores the
 * request with its audit event and queues a job carrying only its id). The mail says who wrote and
 * where to read it (the thread's console page), with the incident as every incident mail shows it:
 * never the message itself.
 * A bureau's message goes to the incident's assignee, else to the CERT's duty list; the CERT's goes to
 * the bureau's contacts. The idempotency key is the message id: asking twice mails once.
 */
export class MessageMailer {
  constructor(
    private readonly mail: MailRequests,
    private readonly assignees: AssigneeLookup,
    private readonly staff: StaffDirectory,
    private readonly logger: Logger,
    /** Where people reach the console (PUBLIC_URL, else where the server listens), read per mail. */
    private readonly consoleBase: () => string,
  ) {}

  /**
   * Requests the mail of `message`. The message is stored whatever happens here: a request that
   * reaches nobody, or fails, is logged with the message id rather than undoing the message. True when
   * the mail is settled (requested, or reaching nobody, which asking again does not change); false when
   * the request failed and should be asked again (the message's `mailPending` stays set).
   */
  async messagePosted(actor: Actor, incident: IncidentView, message: IncidentMessage): Promise<boolean> {
    try {
      const fromBureau = message.author.side === 'bureau';
      const to = fromBureau ? await this.certRecipients(incident.id) : { routes: [...BUREAU_ROUTES] };
      await this.mail.request(actor, {
        kind: 'incident-message',
        template: MESSAGE_TEMPLATE,
        incidentId: incident.id,
        bureauId: incident.bureauId,
        ...to,
        data: {
          // The thread's own page: it opens for either side after sign-in, the form under the messages.
          consoleUrl: `${this.consoleBase()}/console/incidents/${incident.id}/messages`,
          message: {
            side: message.author.side,
            from: fromBureau ? message.author.name : CERT_NAME,
            at: message.createdAt.toISOString(),
          },
        },
        key: `incident-message:${message.id}`,
      });
      return true;
    } catch (err) {
      const where = { incidentId: incident.id, messageId: message.id, side: message.author.side };
      if (err instanceof ValidationError) {
        this.logger.warn({ ...where, problems: err.problems }, 'message stored; its mail reached nobody');
        return true;
      }
      this.logger.error(
        { ...where, err },
        'message stored; its mail could not be requested (asked again later)',
      );
      return false;
    }
  }

  private async certRecipients(
    incidentId: string,
  ): Promise<{ recipients: NotificationRecipient[] } | { routes: string[] }> {
    const assignee = await this.assignees.assigneeOf(incidentId);
    const user = assignee ? await this.staff.get(assignee.userId) : null;
    if (!user || user.disabledAt) return { routes: [...CERT_DUTY_ROUTES] };
    return {
      recipients: [
        {
          address: user.email.toLowerCase(),
          name: user.name,
          organisation: CERT_NAME,
          circle: 'internal',
          kind: 'individual',
          via: 'assignee',
        },
      ],
    };
  }
}
