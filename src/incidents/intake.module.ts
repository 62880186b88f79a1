import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { Connection, Migration } from '../platform/db/index.js';
import type { AnyRoute } from '../platform/http/index.js';
import { loopTurn, type Logger, type RequestPressure } from '../platform/index.js';
import type { QueueRegistry, WorkerSpec } from '../platform/queue/index.js';
// Triage's worker half has its own surface: it writes incidents, so triage's index (which incidents
// import for the decision types) cannot export it without an import cycle.
// eslint-disable-next-line no-restricted-imports
import {
  DecisionRecords,
  TriageReconciler,
  TriageService,
  triageWorker,
  type DecisionClockStarter,
  type QueueRowFiler,
  type TriageReconcilerOptions,
} from '../triage/worker.js';
import { CampaignService } from './campaign.service.js';
import { decisionRecordsMigration } from './decision-records.migration.js';
import { owedNotificationsMigration } from './owed-notifications.migration.js';
import { followUpWorker } from './follow-up.worker.js';
import { IncidentFollowUps } from './follow-ups.js';
import { followUpsMigration } from './follow-ups.migration.js';
import { UpdateRecordRepository } from './update-record.repository.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { IncidentIntakeService, type BureauDirectory } from './incident-intake.service.js';
import { IncidentListIndex } from './incident-list.index.js';
import { IncidentListReconciler, type IncidentListReconcilerOptions } from './incident-list.reconciler.js';
import { IncidentRepository } from './incident.repository.js';
import { incidentRoutes } from './incident.routes.js';
import { IncidentService } from './incident.service.js';
import type { ClockLookup, NotificationStatusLookup, ViewLookups } from './incident.view.js';
import { IncidentDocumentRepository, type IncidentDocuments } from './incident-documents.repository.js';
import { IndicatorMatchService } from './indicator-match.service.js';
import { IndicatorSightingRepository } from './indicator-sighting.repository.js';
import { PolicyReviewService } from './policy-review.service.js';
import { TriageRequester } from './triage-request.js';

/** What intake takes from the platform (a subset of `PlatformDeps`). */
export interface IntakePlatform {
  config: Config;
  logger: Logger;
  db: Connection;
  queues: QueueRegistry;
  /** Holds the incident list's index. */
  redis: Redis;
  /** The API's requests in this process: its background passes wait while they are high. */
  pressure?: RequestPressure | null;
}

/** What intake takes from other modules. */
export interface IntakeDeps {
  /** The auth module's bureau service: bureau existence and regimes. */
  bureaux: BureauDirectory;
  /** Tells the audit relay to drain `pendingAudit` from this collection. */
  registerOutbox(collectionName: string): void;
  /** Asks the audit relay to chain a written document's drafts and enqueue its jobs (as written) now. */
  kickAudit?(collectionName: string, id: unknown, pendingAudit: unknown[], pendingJobs: unknown[]): void;
  /** The notifications module's statuses of incidents' notification specs, shown by the incident API. */
  notificationStatuses?: NotificationStatusLookup;
  /** The clocks module's: a first decision stores the clocks it starts in their record before its write. */
  startClocks?: DecisionClockStarter;
  /** The clocks module's records: the incident API shows each incident's clocks from its record. */
  clocks?: ClockLookup;
  /** The workflow's queue index: a first decision that started the clocks files the incident's row. */
  fileQueueRow?: QueueRowFiler;
  reconciler?: TriageReconcilerOptions;
  listReconciler?: IncidentListReconcilerOptions;
}

/** Intake and triage, assembled: routes, the triage worker, the reconciler loop and start-up work. */
export interface IntakeModule {
  routes: AnyRoute[];
  workers: WorkerSpec[];
  background: Array<{ name: string; start(): void; stop(): Promise<void> }>;
  services: {
    intake: IncidentIntakeService;
    incidents: IncidentService;
    triage: TriageService;
    reconciler: TriageReconciler;
    repository: IncidentRepository;
    /** The incident list's index: the workflow files what it writes there too. */
    listIndex: IncidentListIndex;
    /** The incidents' documents as the workflow reads and writes them (this module owns the collection). */
    documents: IncidentDocuments;
    listReconciler: IncidentListReconciler;
    /** The active policy described, its test cases run, a candidate simulated (administrators). */
    policyReview: PolicyReviewService;
    /** Other incidents sharing an incident's indicators, as the actor may see them (the incident page). */
    matches: IndicatorMatchService;
    /** The triage decisions' own records: their reasons, for the console and the mails. */
    decisions: DecisionRecords;
    /** The bureau's follow-ups, records of their own: applied to incidents, read for timelines. */
    followUps: IncidentFollowUps;
  };
  /** What this version changes in data an earlier version stored (run at start, or `govcert migrate`). */
  migrations: Migration[];
  /** Builds indexes and loads the policy (an invalid pack stops the start). */
  init(): Promise<void>;
}

/** Intake's migrations on a bare connection, for the `govcert migrate` command. */
export async function intakeMigrations(db: Connection): Promise<Migration[]> {
  const decisions = new DecisionRecords(db);
  await decisions.init();
  const incidents = new IncidentRepository(db);
  return [
    decisionRecordsMigration(incidents, decisions),
    owedNotificationsMigration(incidents, decisions),
    followUpsMigration(incidents, new UpdateRecordRepository(db)),
  ];
}

export function createIntakeModule(platform: IntakePlatform, deps: IntakeDeps): IntakeModule {
  const listIndex = new IncidentListIndex(platform.redis, platform.config.REDIS_PREFIX);
  const repository = new IncidentRepository(
    platform.db,
    (written) => {
      deps.kickAudit?.(written.collection, written.id, written.pendingAudit, written.pendingJobs);
    },
    { listIndex, logger: platform.logger },
  );
  const documents = new IncidentDocumentRepository(platform.db, (id, pendingAudit, pendingJobs) => {
    deps.kickAudit?.(documents.collectionName, id, pendingAudit, pendingJobs);
  });
  const listReconciler = new IncidentListReconciler(repository, listIndex, platform.logger, {
    pressure: platform.pressure ?? null,
    ...deps.listReconciler,
  });
  const idempotency = new IdempotencyRepository(platform.db);
  const timeBounds = {
    maxAgeDays: platform.config.REPORT_TIME_MAX_AGE_DAYS,
    occurredMaxAgeDays: platform.config.REPORT_OCCURRED_MAX_AGE_DAYS,
  };
  const sightings = new IndicatorSightingRepository(platform.db);
  const requester = new TriageRequester(platform.queues, platform.logger);
  const campaigns = new CampaignService(repository, sightings, requester, platform.logger);
  const decisions = new DecisionRecords(platform.db);
  const lookups: ViewLookups = {
    notificationStatuses: deps.notificationStatuses,
    decisionDetails: (ids) => decisions.detailsOf(ids),
    clocks: deps.clocks,
  };
  const intake = new IncidentIntakeService(
    repository,
    idempotency,
    requester,
    deps.bureaux,
    platform.config.INCIDENT_REF_PREFIX,
    timeBounds,
    lookups,
  );
  const updateRecords = new UpdateRecordRepository(platform.db, (id, pendingAudit, pendingJobs) => {
    deps.kickAudit?.(updateRecords.collectionName, id, pendingAudit, pendingJobs);
  });
  const followUps = new IncidentFollowUps(repository, updateRecords, requester);
  const incidents = new IncidentService(repository, followUps, timeBounds, lookups);
  const triage = new TriageService(
    repository,
    campaigns,
    deps.bureaux,
    platform.config.POLICY_DIR,
    decisions,
    deps.startClocks,
    deps.fileQueueRow,
  );
  const reconciler = new TriageReconciler(repository, requester, platform.queues, platform.logger, {
    turn: loopTurn(platform, 'triage-reconciler'),
    pressure: platform.pressure ?? null,
    ...deps.reconciler,
  });
  deps.registerOutbox(repository.collectionName);
  deps.registerOutbox(updateRecords.collectionName);
  return {
    routes: incidentRoutes({ intake, incidents }),
    workers: [triageWorker(triage, platform.config.TRIAGE_CONCURRENCY), followUpWorker(followUps)],
    background: [reconciler, listReconciler],
    migrations: [
      decisionRecordsMigration(repository, decisions),
      owedNotificationsMigration(repository, decisions),
      followUpsMigration(repository, updateRecords),
    ],
    services: {
      intake,
      incidents,
      triage,
      reconciler,
      repository,
      listIndex,
      documents,
      listReconciler,
      policyReview: new PolicyReviewService(
        repository,
        deps.bureaux,
        () => triage.activePolicy,
        platform.config.POLICY_DIR,
      ),
      matches: new IndicatorMatchService(repository, sightings),
      decisions,
      followUps,
    },
    init: async () => {
      const policy = triage.load();
      platform.logger.info(
        { policyVersion: policy.version, packs: policy.packs.length },
        'triage policy loaded',
      );
      await repository.init(); // indexes of incidents, indicator sightings and idempotency keys
      await documents.init(); // and of what the queues filter and sort on
      await decisions.init();
    },
  };
}
