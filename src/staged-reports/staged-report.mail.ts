import type { Actor } from '../auth/index.js';
import type { NotificationRecipient, NotificationRequest } from '../notifications/index.js';
import { ValidationError, type Logger } from '../platform/index.js';
import type { StagedReport, StagedReportMailEvent } from './staged-report.types.js';

/** The mail template of a staged report sent or decided on (English and Chinese in one mail). */
export const STAGED_REPORT_TEMPLATE = 'staged-report';

/** How the CERT signs its decisions to a bureau (reviewers' names stay inside). */
const CERT_NAME = 'GovCERT.HK';

/** The notifications module's request, as this module uses it. */
export interface StagedReportMailRequests {
  request(actor: Actor, input: NotificationRequest): Promise<unknown>;
}

/** Who reads a bureau's report at the CERT: the incident's assignee (an active user) or null. */
export interface ReportReaderLookup {
  assigneeOf(incidentId: string): Promise<{ email: string; name: string } | null>;
}

/**
 * Tells the other side of a staged report what happened to it, through the notifications module, as
 * the message thread does: a report sent goes to the incident's assignee, else the CERT's duty list
 * (`cert-duty`); a decision (accepted, revision requested) goes to the bureau's contacts. The mail
 * names the report, its version and the time, and links to it: the text and the comment stay in the
 * console. The idempotency key is the version's id and the event, so asking twice mails once.
 */
export class StagedReportMailer {
  constructor(
    private readonly mail: StagedReportMailRequests,
    private readonly readers: ReportReaderLookup,
    private readonly logger: Logger,
    /** Where people reach the console (PUBLIC_URL, else where the server listens), read per mail. */
    private readonly consoleBase: () => string,
  ) {}

  /**
   * Requests the mail of `event` on `report`. True when settled (requested, or reaching nobody, which
   * asking again does not change); false when the request failed and is to be asked again later.
   */
  async requestFor(actor: Actor, report: StagedReport, event: StagedReportMailEvent): Promise<boolean> {
    try {
      const submitted = event === 'submitted';
      const base = this.consoleBase();
      const to = submitted ? await this.certRecipients(report.incidentId) : { routes: ['reporting-bureau'] };
      await this.mail.request(actor, {
        kind: `staged-report.${event}`,
        template: STAGED_REPORT_TEMPLATE,
        incidentId: report.incidentId,
        bureauId: report.bureauId,
        ...to,
        data: {
          // The CERT's address opens its incident page (the reports and review forms); the bureau's, the report.
          consoleUrl: submitted
            ? `${base}/console/incidents/${report.incidentId}`
            : `${base}/console/my-incidents/${report.incidentId}/reports/${report.obligation}?occurrence=${report.occurrence}`,
          report: {
            event,
            name: report.name,
            // The mail's Chinese half names the report in Chinese; a report sent before the policy
            // had Chinese names has only the English one.
            nameZh: report.nameZh ?? report.name,
            version: report.version,
            from: submitted ? report.submittedBy.name : CERT_NAME,
            at: (submitted ? report.submittedAt : (report.review?.at ?? report.submittedAt)).toISOString(),
          },
        },
        key: `staged-report:${report.id}:${event}`,
      });
      return true;
    } catch (err) {
      const where = { incidentId: report.incidentId, reportId: report.id, event };
      if (err instanceof ValidationError) {
        this.logger.warn(
          { ...where, problems: err.problems },
          'staged report stored; its mail reached nobody',
        );
        return true;
      }
      this.logger.error(
        { ...where, err },
        'staged report stored; its mail could not be requested (asked again later)',
      );
      return false;
    }
  }

  private async certRecipients(
    incidentId: string,
  ): Promise<{ recipients: NotificationRecipient[] } | { routes: string[] }> {
    const reader = await this.readers.assigneeOf(incidentId);
    if (!reader) return { routes: ['cert-duty'] };
    return {
      recipients: [
        {
          address: reader.email.toLowerCase(),
          name: reader.name,
          organisation: CERT_NAME,
          circle: 'internal',
          kind: 'individual',
          via: 'assignee',
        },
      ],
    };
  }
}
