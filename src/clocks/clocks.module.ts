import type { Background, PlatformDeps } from '../platform/index.js';
import { loopTurn } from '../platform/index.js';
import type { Migration } from '../platform/db/index.js';
import type { WorkerSpec } from '../platform/queue/index.js';
import type { DecisionClockLookup } from '../triage/index.js';
import type { CalendarSet } from './calendar/index.js';
import { ClockReads } from './clock-reads.js';
import { ClockReconciler, type ClockReconcilerOptions } from './clock-reconciler.js';
import { ClockRecordRepository } from './clock-record.repository.js';
import { clockRecordsMigration, type LegacyClockSource } from './clock-records.migration.js';
import type { ClockFacts, ClockStore } from './clock-store.js';
import { ClockTimers } from './clock-timers.js';
import { ClockService } from './clock.service.js';
import { clockWorker } from './clock.worker.js';
import type { NotificationRequests } from './notification-requests.js';

/** What the clocks take from other modules. */
export interface ClocksDeps<F extends ClockFacts> {
  /** The incidents the clocks follow (the workflow's). */
  store: ClockStore<F>;
  /** Where the mails the clock events owe go (the notifications). */
  notifications: NotificationRequests;
  /** The active policy's business-day calendars. */
  calendars: () => CalendarSet;
  /** A triage decision's clock specs, from its record: a re-triage's are merged by the next clock write. */
  decisionClocks?: DecisionClockLookup;
  /** Where the incidents stored before the clock records keep their clocks (the migration reads it). */
  legacy: LegacyClockSource;
  reconciler?: ClockReconcilerOptions;
  /** Registers the records' collection (its documents carry audit and job outboxes) with the relay. */
  registerOutbox(collection: string): void;
  /** Asks the audit relay to chain a written record's drafts and enqueue its jobs (as written) now. */
  kickAudit?(collection: string, id: unknown, pendingAudit: unknown[], pendingJobs: unknown[]): void;
}

/** The clocks, assembled: their service, reads, worker, reconciler and migration. */
export interface ClocksModule {
  service: ClockService;
  reads: ClockReads;
  reconciler: ClockReconciler;
  workers: WorkerSpec[];
  background: Background[];
  migrations: Migration[];
}

/** The clocks' migration on a bare connection, for the `govcert migrate` command. */
export function clockMigrations(db: PlatformDeps['db'], legacy: LegacyClockSource): Migration[] {
  return [clockRecordsMigration(legacy, new ClockRecordRepository(db))];
}

export function createClocksModule<F extends ClockFacts>(
  platform: PlatformDeps,
  deps: ClocksDeps<F>,
): ClocksModule {
  const records = new ClockRecordRepository(platform.db, (id, pendingAudit, pendingJobs) => {
    deps.kickAudit?.(records.collectionName, id, pendingAudit, pendingJobs);
  });
  deps.registerOutbox(records.collectionName);
  const reads = new ClockReads(records, platform.logger, deps.decisionClocks);
  const timers = new ClockTimers(platform.queues, platform.redis);
  const store = deps.store as unknown as ClockStore;
  const service = new ClockService(
    store,
    records,
    reads,
    deps.notifications,
    timers,
    platform.metrics,
    platform.logger,
    deps.calendars,
  );
  const reconciler = new ClockReconciler(store, records, reads, service, timers, platform.logger, {
    turn: loopTurn(platform, 'clock-reconciler'),
    pressure: platform.pressure ?? null,
    ...deps.reconciler,
  });
  return {
    service,
    reads,
    reconciler,
    workers: [clockWorker(service)],
    background: [reconciler],
    migrations: [clockRecordsMigration(deps.legacy, records)],
  };
}
