import type { IncidentService } from '../incidents/index.js';
import type { Connection } from '../platform/db/index.js';
import { Periodic, type Logger, type RequestPressure } from '../platform/index.js';
import type { AnyRoute } from '../platform/http/index.js';
import {
  MessageMailer,
  type AssigneeLookup,
  type MailRequests,
  type StaffDirectory,
} from './message-mail.js';
import { MessageRepository } from './message.repository.js';
import { correspondenceRoutes } from './message.routes.js';
import { CorrespondenceService } from './message.service.js';

/**
 * Correspondence: the message thread between a bureau and the CERT on an incident (issue 17 item 10,
 * issue 18 item 3). The only public surface of `src/correspondence`: services, never the repository.
 */
export { CorrespondenceService, sideOf, toMessageView } from './message.service.js';
export { postMessageBody, messageBody, type PostMessageInput } from './message.schemas.js';
export {
  CERT_DUTY_ROUTES,
  BUREAU_ROUTES,
  CERT_NAME,
  MESSAGE_TEMPLATE,
  type AssigneeLookup,
  type MailRequests,
  type StaffDirectory,
} from './message-mail.js';
export { MESSAGES_COLLECTION } from './message.model.js';
export * from './message.types.js';

export interface CorrespondenceServices {
  messages: CorrespondenceService;
}

/** What the module takes from other modules, each through its public services. */
export interface CorrespondenceDeps {
  /** The incidents module's service: every read and write is scoped by reading the incident first. */
  incidents: Pick<IncidentService, 'get'>;
  /** The notifications module's `request`. */
  mail: MailRequests;
  /** The workflow's assignee of an incident. */
  assignees: AssigneeLookup;
  /** The auth module's users (the assignee's address). */
  staff: StaffDirectory;
  registerOutbox(collection: string): void;
  /** Asks the audit relay to chain a written document's drafts (as written) now. */
  kickAudit(collection: string, id: unknown, pendingAudit: unknown[]): void;
  /** The console's base URL for the link in mail (PUBLIC_URL, else where the server listens). */
  consoleBase(): string;
  /**
   * Whether this process sweeps for mails owed by messages whose writer died before requesting them
   * (worker processes do; a process that only serves requests requests its own messages' mail).
   */
  sweeps: boolean;
}

export interface CorrespondenceModule {
  services: CorrespondenceServices;
  routes: AnyRoute[];
  /** The sweep for owed mails, when `sweeps` is on. */
  background: Array<{ name: string; start(): void; stop(): Promise<void> }>;
  init(): Promise<void>;
}

/** Builds the correspondence module: its collection registered with the audit relay, routes, services. */
export function createCorrespondenceModule(
  platform: { db: Connection; logger: Logger; pressure?: RequestPressure | null },
  deps: CorrespondenceDeps,
): CorrespondenceModule {
  const repository = new MessageRepository(platform.db, (collection, id, pendingAudit) => {
    deps.kickAudit(collection, id, pendingAudit);
  });
  deps.registerOutbox(repository.collectionName);
  const mailer = new MessageMailer(deps.mail, deps.assignees, deps.staff, platform.logger, () =>
    deps.consoleBase(),
  );
  const messages = new CorrespondenceService(deps.incidents, repository, mailer);
  return {
    services: { messages },
    routes: correspondenceRoutes(messages),
    background: deps.sweeps ? [owedMailSweep(messages, platform.logger, platform.pressure ?? null)] : [],
    init: () => repository.init(),
  };
}

/** Every 30 s, the mails owed by messages whose writer died before requesting them. */
function owedMailSweep(
  messages: CorrespondenceService,
  logger: Logger,
  pressure: RequestPressure | null,
): CorrespondenceModule['background'][number] {
  const loop = new Periodic('correspondence-mail', 30_000, () => messages.requestOwedMail(), logger, {
    pressure,
  });
  return {
    name: 'correspondence-mail',
    start: () => {
      loop.start();
    },
    stop: () => loop.stop(),
  };
}
