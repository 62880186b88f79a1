import { join } from 'node:path';
import { ALL_SCOPE as ALL, systemActor } from '../auth/index.js';
import {
  TemplateRenderer,
  createTransport,
  mailDomain,
  parseMailbox,
  type MailTransport,
} from '../mail/index.js';
import { loopTurn, type Background, type PlatformDeps } from '../platform/index.js';
import type { Connection } from '../platform/db/index.js';
import type { AnyRoute } from '../platform/http/index.js';
import type { WorkerSpec } from '../platform/queue/index.js';
import { dispatchWorker } from './dispatch.worker.js';
import {
  IncidentNotificationDispatcher,
  type DecisionRecordReader,
  type IncidentReader,
  type IncidentSpecs,
  type IncidentNotificationStatus,
} from './incident-notification.dispatcher.js';
import { MailDeliveryRepository } from './mail-delivery.repository.js';
import { MailDeliveryService } from './mail-delivery.service.js';
import { NotificationComposer } from './notification-composer.js';
import { NOTIFICATION_COLLECTIONS, notificationModels } from './notification.model.js';
import { NotificationRepository } from './notification.repository.js';
import { NotificationService } from './notification.service.js';
import { notificationWorker } from './notification.worker.js';
import { NotificationRequeue, type RequeueOptions } from './notification-requeue.js';
import { RecipientListRepository } from './recipient-list.repository.js';
import { recipientListRoutes } from './recipient-list.routes.js';
import { checkRouteCoverage } from './recipient-list.coverage.js';
import { seedDemoLists } from './recipient-list.seed.js';
import { RecipientListService, type BureauContacts } from './recipient-list.service.js';
import type { PolicyRouteUse } from './recipient-list.types.js';
import type { DecisionReasonLookup } from '../triage/index.js';
import type { ClockLookup } from '../incidents/index.js';

export { NotificationService, ledgerKey } from './notification.service.js';
export { RecipientListService } from './recipient-list.service.js';
export { summarise } from './mail-delivery.service.js';
export type * from './notification.types.js';
export type { RecipientList, RecipientListInput, PolicyRouteUse } from './recipient-list.types.js';
export type { IncidentSpecs, IncidentNotificationStatus } from './incident-notification.dispatcher.js';
export { missingLists, CREATE_LIST_HELP } from './recipient-list.coverage.js';
export { NOTIFICATION_COLLECTIONS } from './notification.model.js';
export { recipientListInput, listSlugSchema } from './recipient-list.types.js';

/** What the module takes from other modules. */
export interface NotificationDeps {
  bureaux: BureauContacts;
  /** The incidents repository: reads for the notification specs, routing and mail content. */
  incidents: IncidentReader;
  registerOutbox(collection: string): void;
  /** Asks the audit relay to chain a written document's drafts (its outbox as the write stored it) now. */
  kickAudit?(collection: string, id: unknown, pendingAudit: unknown[]): void;
  /**
   * Whether this process runs the re-queue loop (default true), which scans the notifications
   * collection: worker processes do, processes that only serve requests leave it to them.
   */
  sweeps?: boolean;
  requeue?: RequeueOptions;
  /** The triage decisions' reasons, for the mails that show the decision (intake's records). */
  decisionReasons: DecisionReasonLookup;
  /** The clocks of incidents, from their records (a party's mail names its deadline). */
  clocks?: ClockLookup;
  /** Triage decision records by id: the notifications a decision owes (the `dispatch` job's). */
  decisionRecords: DecisionRecordReader;
  /** The console's base URL for links in mail (PUBLIC_URL, else where the server listens, port included). */
  consoleBase(): string;
  /**
   * The recipient routes of the policy: every installed pack's (seeded as demo lists in demo mode) and
   * the active packs' (each must have a list: checked at start).
   */
  policyRoutes: {
    installed(): readonly PolicyRouteUse[];
    active(): readonly PolicyRouteUse[];
  };
}

/** The delivery ledger as other modules and tests read it: rows by key or subject, a sender's lease. */
export type DeliveryLedger = Pick<MailDeliveryRepository, 'find' | 'claim' | 'listBySubject'>;

/** The public services: `request` for other modules, lists, ledger reads, the dispatcher (tests). */
export interface NotificationServices {
  notifications: NotificationService;
  lists: RecipientListService;
  deliveries: DeliveryLedger;
  /** Requests an incident's notification specs (the `dispatch` job) and reads their statuses. */
  dispatcher: IncidentNotificationDispatcher;
  /** The status of each incident's notification specs, from the notifications (the incident API's). */
  incidentNotificationStatuses(
    specs: readonly IncidentSpecs[],
  ): Promise<Map<string, Map<string, IncidentNotificationStatus>>>;
  /** Re-queues stale open notifications (tests call `passNow`). */
  requeue: NotificationRequeue;
}

export interface NotificationsModule {
  services: NotificationServices;
  routes: AnyRoute[];
  workers: WorkerSpec[];
  background: Background[];
  init(): Promise<void>;
}

/** Recipient lists alone, for processes without queues or mail (the CLI). */
export function createRecipientLists(
  db: Connection,
  bureaux: BureauContacts,
): { lists: RecipientListService; init: () => Promise<void> } {
  const repository = new RecipientListRepository(notificationModels(db));
  return { lists: new RecipientListService(repository, bureaux), init: () => repository.init() };
}

/**
 * Notifications and mail delivery: the stored notifications, the delivery ledger, recipient lists,
 * the `notifications` worker (templates compiled here, once), the `dispatch` worker that requests an
 * incident's notifications, and the loop that re-queues lost notification jobs.
 */
export function createNotificationsModule(
  platform: PlatformDeps,
  deps: NotificationDeps,
): NotificationsModule {
  const { config, logger } = platform;
  const models = notificationModels(platform.db);
  const audited = (collection: string, id: unknown, pendingAudit: unknown[]): void =>
    deps.kickAudit?.(collection, id, pendingAudit);
  const records = new NotificationRepository(models, audited);
  const ledger = new MailDeliveryRepository(models, audited);
  const listRepository = new RecipientListRepository(models);
  const lists = new RecipientListService(listRepository, deps.bureaux, () => deps.policyRoutes.active());
  const from = parseMailbox(config.MAIL_FROM);
  const incidents = deps.incidents;
  const service = new NotificationService(
    records,
    ledger,
    lists,
    { bureauOf: async (id) => (await incidents.findById(ALL, id))?.bureauId ?? null },
    platform.queues,
    logger,
    mailDomain(from.address),
  );
  const dispatcher = new IncidentNotificationDispatcher(
    incidents,
    deps.decisionRecords,
    service,
    records,
    logger,
  );
  const requeue = new NotificationRequeue(records, service, logger, {
    turn: loopTurn(platform, 'notification-requeue'),
    pressure: platform.pressure ?? null,
    ...deps.requeue,
  });
  for (const collection of Object.values(NOTIFICATION_COLLECTIONS)) deps.registerOutbox(collection);
  const renderer = new TemplateRenderer(config.TEMPLATE_DIR);
  const composer = new NotificationComposer(
    renderer,
    {
      findIncident: (id) => incidents.findById(ALL, id),
      getBureau: (code) => deps.bureaux.getBureau(code),
      decisionReasons: (ids) => deps.decisionReasons(ids),
      clocks: async (ids) => (deps.clocks ? deps.clocks(ids) : new Map()),
    },
    () => deps.consoleBase(),
  );
  let transport: MailTransport | null = null;
  const lazyTransport: MailTransport = {
    send: (mail) =>
      (transport ??= createTransport({
        smtpUrl: config.SMTP_URL,
        outboxDir: join(config.DATA_DIR, 'outbox'),
      })).send(mail),
    close: () => {
      transport?.close();
      transport = null;
    },
  };
  const delivery = new MailDeliveryService(records, ledger, service, composer, lazyTransport, from, logger);
  return {
    services: {
      notifications: service,
      lists,
      deliveries: ledger,
      dispatcher,
      incidentNotificationStatuses: (specs) => dispatcher.statuses(specs),
      requeue,
    },
    routes: recipientListRoutes(lists),
    workers: [notificationWorker(delivery), dispatchWorker(dispatcher)],
    background: [
      ...(deps.sweeps === false ? [] : [requeue]),
      {
        name: 'mail-transport',
        start: () => undefined,
        stop: () => {
          lazyTransport.close();
          return Promise.resolve();
        },
      },
    ],
    init: async () => {
      await Promise.all([records.init(), ledger.init(), listRepository.init()]);
      if (config.DEMO_MODE) {
        const routes = deps.policyRoutes.installed().map((r) => r.route);
        await seedDemoLists(lists, systemActor('demo-seed'), routes);
      }
      // Production without demo data refuses to run with mail that would reach nobody; elsewhere
      // (development, tests, the demo) the start goes on with a warning naming the lists.
      await checkRouteCoverage(lists, deps.policyRoutes.active(), {
        refuse: config.NODE_ENV === 'production' && !config.DEMO_MODE,
        logger,
      });
    },
  };
}
