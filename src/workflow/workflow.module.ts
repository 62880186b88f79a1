import { scopeOf } from '../auth/index.js';
import {
  StoredNotificationRequests,
  clockMigrations,
  createClocksModule,
  type CalendarSet,
  type ClockReconcilerOptions,
} from '../clocks/index.js';
import type { IncidentDocuments, IncidentListIndex } from '../incidents/index.js';
import type { Background, PlatformDeps } from '../platform/index.js';
import type { AnyRoute } from '../platform/http/index.js';
import type { WorkerSpec } from '../platform/queue/index.js';
import type { DecisionClockLookup } from '../triage/index.js';
import { WorkflowClockStore } from './clock-store.adapter.js';
import { CollaborationService } from './collaboration.service.js';
import { collaborationRoutes } from './collaboration.routes.js';
import { MarkingsService } from './markings.service.js';
import { MergeService } from './merge.service.js';
import { NotificationServiceAdapter, type NotificationSink } from './notification-adapter.js';
import { ObligationService } from './obligation.service.js';
import { QueueIndex } from './queue-index.js';
import { QueueService } from './queue.service.js';
import { TimelineService, type AuditReader, type FollowUpReader } from './timeline.service.js';
import { WorkflowIncidents } from './workflow-incidents.js';
import { WorkflowService, type UserDirectory } from './workflow.service.js';
import { WorkflowWriter } from './workflow-writer.js';
import { workflowRoutes } from './workflow.routes.js';
import { WORKLOGS_COLLECTION, WorklogRepository } from './worklog.repository.js';
import { worklogsMigration } from './worklogs.migration.js';
import type { Connection, Migration } from '../platform/db/index.js';
import type { WorkflowServices } from './workflow-services.js';

/** What the workflow takes from other modules. */
export interface WorkflowDeps {
  /** The incidents' documents (the incidents module owns the collection; its outbox is relayed). */
  incidents: IncidentDocuments;
  /** The auth module's users: who an incident or task is assigned to. */
  users: UserDirectory;
  /** The audit service: the timeline reads an incident's events. */
  audit: AuditReader;
  /** Intake's follow-up records: the timeline shows the bureau's follow-ups. */
  followUps: FollowUpReader;
  /** The notifications module's service; without it, records are stored and queued here directly. */
  notifications?: NotificationSink;
  /** The team queues the active policy routes to: listed even when empty; any other is unknown. */
  knownQueues?: () => readonly string[];
  /**
   * The active policy's business-day calendars: clocks started, repeated or chained after triage are
   * counted with them. Without it, a business-day clock fails loudly rather than being guessed.
   */
  calendars?: () => CalendarSet;
  reconciler?: ClockReconcilerOptions;
  /** Intake's incident list index: workflow writes (status, severity) file the incident there too. */
  listIndex?: Pick<IncidentListIndex, 'put'>;
  /**
   * The clock specs of a triage decision (its record, intake's): a re-triage's are merged into the
   * clocks by the next clock write. Without it, re-triaged clocks stay as they were.
   */
  decisionClocks?: DecisionClockLookup;
  /** Registers a collection whose documents carry an audit outbox (the worklogs) with the relay. */
  registerOutbox(collection: string): void;
  /** Asks the audit relay to chain a written incident's drafts and enqueue its jobs (as written) now. */
  kickAudit?(collection: string, id: unknown, pendingAudit: unknown[], pendingJobs: unknown[]): void;
}

export type { WorkflowServices } from './workflow-services.js';

/** Responder workflow, clocks and escalation, assembled. */
export interface WorkflowModule {
  routes: AnyRoute[];
  workers: WorkerSpec[];
  background: Background[];
  services: WorkflowServices;
  /** What this version changes in data an earlier version stored (run at start, or `govcert migrate`). */
  migrations: Migration[];
  init(): Promise<void>;
}

/** The workflow's migrations (the clocks' with them) on a bare connection, for `govcert migrate`. */
export function workflowMigrations(db: Connection, documents: IncidentDocuments): Migration[] {
  const incidents = new WorkflowIncidents(documents);
  return [worklogsMigration(incidents, new WorklogRepository(db)), ...clockMigrations(db, incidents)];
}

export function createWorkflowModule(platform: PlatformDeps, deps: WorkflowDeps): WorkflowModule {
  const repository = new WorkflowIncidents(deps.incidents);
  const worklogs = new WorklogRepository(platform.db, (id, audit) => {
    deps.kickAudit?.(WORKLOGS_COLLECTION, id, audit, []);
  });
  deps.registerOutbox(WORKLOGS_COLLECTION);
  const notifications = deps.notifications
    ? new NotificationServiceAdapter(deps.notifications, platform.logger)
    : new StoredNotificationRequests(platform.db, platform.queues);
  const index = new QueueIndex(platform.redis, platform.config.REDIS_PREFIX);
  const calendars = deps.calendars ?? (() => new Map());
  const store = new WorkflowClockStore(repository, notifications, platform.logger, index, deps.listIndex);
  // The clocks follow the workflow's incidents (the store above) and keep their own records.
  const clocks = createClocksModule(platform, {
    store,
    notifications,
    calendars,
    legacy: repository,
    ...(deps.decisionClocks ? { decisionClocks: deps.decisionClocks } : {}),
    ...(deps.reconciler ? { reconciler: deps.reconciler } : {}),
    registerOutbox: (collection) => {
      deps.registerOutbox(collection);
    },
    kickAudit: (collection, id, pendingAudit, pendingJobs) => {
      deps.kickAudit?.(collection, id, pendingAudit, pendingJobs);
    },
  });
  const writer = new WorkflowWriter(repository, clocks.reads, clocks.service, store, platform.logger, index);
  const collaboration = new CollaborationService(writer, deps.users, worklogs);
  const services: WorkflowServices = {
    writer,
    workflow: new WorkflowService(writer, deps.users, calendars),
    collaboration,
    merge: new MergeService(writer),
    markings: new MarkingsService(writer),
    obligations: new ObligationService(
      writer,
      {
        maxAgeDays: platform.config.REPORT_TIME_MAX_AGE_DAYS,
        occurredMaxAgeDays: platform.config.REPORT_OCCURRED_MAX_AGE_DAYS,
      },
      calendars,
    ),
    timeline: new TimelineService(writer, deps.audit, collaboration, deps.followUps),
    queues: new QueueService(repository, index, platform.logger, deps.knownQueues ?? (() => [])),
    clocks: clocks.service,
    clockReads: clocks.reads,
    reconciler: clocks.reconciler,
    scope: scopeOf,
  };
  return {
    routes: [...workflowRoutes(services), ...collaborationRoutes(services)],
    workers: clocks.workers,
    background: clocks.background,
    services,
    migrations: [worklogsMigration(repository, worklogs), ...clocks.migrations],
    init: () => repository.init(),
  };
}
