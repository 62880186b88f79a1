import type { Bureau } from '../auth/index.js';
import type { ClockLookup, Incident } from '../incidents/index.js';
import {
  templateShowsDecision,
  type TemplateInput,
  type TemplateName,
  type TemplateRenderer,
  type RenderedMail,
} from '../mail/index.js';
import type { DecisionReason, DecisionReasonLookup } from '../triage/index.js';
import type { NotificationRecipient, NotificationRecord } from './notification.types.js';

/** Where the composer reads incidents and bureaux (the intake and auth modules fit). */
export interface ComposerSources {
  findIncident(id: string): Promise<Incident | null>;
  getBureau(code: string): Promise<Bureau | null>;
  /** The triage decisions' reasons (their own records), read only for mails that show them. */
  decisionReasons: DecisionReasonLookup;
  /** The incidents' clocks (their own records), read only for mails that name a deadline. */
  clocks: ClockLookup;
}

/** Raised when a notification's subject no longer exists: nothing can ever be rendered. */
export class MissingSubjectError extends Error {
  override readonly name = 'MissingSubjectError';
}

/**
 * Turns a stored notification into a rendered mail per recipient: the incident summary loaded now
 * (so the mail shows the incident as it stands), the notification's stored data over it, and the
 * recipient's name. Incident mails default to TLP:AMBER: they describe a bureau's incident; a policy
 * route's own TLP comes in the stored data. What each audience sees is decided by its template's data
 * schema, which strips the rest: a party outside the CERT never gets the queue, the policy version or
 * the reasons even though they are loaded here for the CERT's own mails.
 */
export class NotificationComposer {
  constructor(
    private readonly renderer: TemplateRenderer,
    private readonly sources: ComposerSources,
    /** Where people reach the console (PUBLIC_URL, else where the server listens), read per mail. */
    private readonly consoleBase: () => string,
  ) {}

  /** Loads what every recipient's mail shares; call once per delivery run. */
  async context(record: NotificationRecord): Promise<Record<string, unknown>> {
    const base: Record<string, unknown> = {};
    if (record.dataRef.incident && record.incidentId) {
      const incident = await this.sources.findIncident(record.incidentId);
      if (!incident) throw new MissingSubjectError(`incident ${record.incidentId} not found`);
      const bureau = await this.sources.getBureau(incident.bureauId);
      const reasons = await this.reasonsFor(record.template, incident);
      Object.assign(base, incidentData(incident, bureau, reasons), { tlp: 'AMBER' });
      base.consoleUrl = `${this.consoleBase()}/console/incidents/${incident.id}`;
      base.deadline = await this.deadlineOf(incident, record.dataRef.data.deadlineClock);
    }
    if (record.advisoryId) base.consoleUrl = `${this.consoleBase()}/console/advisories/${record.advisoryId}`;
    base.consoleUrl ??= `${this.consoleBase()}/console`;
    return { ...base, ...record.dataRef.data };
  }

  /**
   * The deadline a party's mail concerns: the one clock its policy route names (`deadlineClock`, a
   * clock key), as the incident has it now (a re-triage may have moved it); null when there is none.
   */
  private async deadlineOf(incident: Incident, clockKey: unknown): Promise<Record<string, unknown> | null> {
    if (typeof clockKey !== 'string') return null;
    const clocks = (await this.sources.clocks([incident.id])).get(incident.id) ?? [];
    const clock = clocks.find((c) => c.key === clockKey);
    if (clock?.dueAt === undefined) return null;
    return { name: clock.name, regime: clock.regime, dueAt: new Date(clock.dueAt).toISOString() };
  }

  private async reasonsFor(template: string, incident: Incident): Promise<DecisionReason[]> {
    const decisionId = incident.triage?.decisionId;
    if (!decisionId || !templateShowsDecision(template)) return [];
    return (await this.sources.decisionReasons([decisionId])).get(decisionId) ?? [];
  }

  /** Renders the notification's template for one recipient. */
  render(
    record: NotificationRecord,
    context: Record<string, unknown>,
    recipient: NotificationRecipient,
  ): RenderedMail {
    const data = { ...context, recipientName: recipient.name };
    return this.renderer.render(record.template, data as TemplateInput<TemplateName>);
  }
}

/** A time the report may leave out (stored absent or null) as ISO 8601, or null. */
const isoOrNull = (value: Date | string | null | undefined): string | null =>
  value === undefined || value === null ? null : new Date(value).toISOString();

function incidentData(
  incident: Incident,
  bureau: Bureau | null,
  reasons: DecisionReason[],
): Record<string, unknown> {
  const facts = incident.facts as {
    title?: string;
    description?: string;
    category?: string;
    times?: { occurredAt?: Date | null; discoveredAt?: Date | null; awareAt?: Date | null };
  };
  const triage = incident.triage;
  return {
    incident: {
      ref: incident.ref,
      title: facts.title ?? incident.ref,
      summary: facts.description ?? '',
      bureauName: bureau?.name ?? incident.bureauId,
      severity: incident.severity,
      status: incident.status,
      category: facts.category ?? 'unknown',
      times: {
        occurredAt: isoOrNull(facts.times?.occurredAt),
        discoveredAt: isoOrNull(facts.times?.discoveredAt),
        awareAt: isoOrNull(facts.times?.awareAt),
        reportedAt: new Date(incident.reportedAt).toISOString(),
      },
    },
    receivedAt: new Date(incident.reportedAt).toISOString(),
    ...(triage
      ? {
          decision: {
            severity: triage.severity,
            queue: triage.queue,
            reportable: triage.reportable,
            reasons: reasons.map((r) => r.detail),
          },
          policyVersion: triage.policyVersion,
        }
      : {}),
  };
}
