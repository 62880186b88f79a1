import { systemActor } from '../auth/index.js';
import type { NotificationRequestInput, NotificationRequests } from '../clocks/index.js';
import type { TemplateName } from '../mail/index.js';
import { ValidationError, type Logger } from '../platform/index.js';

/** The part of the notifications module's service the workflow uses. */
export interface NotificationSink {
  request(
    actor: ReturnType<typeof systemActor>,
    input: {
      kind: string;
      template: TemplateName;
      incidentId: string;
      routes: string[];
      data: Record<string, unknown>;
      key: string;
    },
  ): Promise<unknown>;
}

const actor = systemActor('clocks');

/**
 * The clocks' notification port on the notifications module: tiers and roles are its routes, the
 * notification id our idempotency key (a retried clock job finds the first notification). A request
 * no route resolves for (no list for that tier yet) is logged and dropped: retrying cannot fix it,
 * and the escalation itself is recorded on the incident and in the audit trail either way.
 */
export class NotificationServiceAdapter implements NotificationRequests {
  constructor(
    private readonly sink: NotificationSink,
    private readonly logger: Logger,
  ) {}

  async request(input: NotificationRequestInput): Promise<void> {
    try {
      await this.sink.request(actor, {
        kind: input.kind,
        template: input.template as TemplateName,
        incidentId: input.incidentId,
        routes: input.recipients,
        data: input.data,
        key: input.notificationId,
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      this.logger.warn(
        { incidentId: input.incidentId, kind: input.kind, routes: input.recipients },
        'notification reached nobody',
      );
    }
  }
}
