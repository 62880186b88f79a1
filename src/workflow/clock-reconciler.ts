import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import pLimit from 'p-limit';
import type { ClockTimers } from '../clocks/index.js';
import { Periodic, type Logger } from '../platform/index.js';
import type { ClockService } from './clock.service.js';
import type { WorkflowRepository } from './workflow.repository.js';

/** Options of the clock reconciler. */
export interface ClockReconcilerOptions {
  /** Pause between full passes over the incidents with clocks. */
  intervalMs?: number;
  /** Incidents read per batch. */
  batch?: number;
  /** Clock syncs after triage run at once, at most; the rest wait their turn. */
  syncConcurrency?: number;
}

/**
 * Keeps timers and clocks honest. At start and every `intervalMs` it walks every incident with clocks, re-filing its queue row (the index is rebuilt from MongoDB):
 * an incident whose stored timer ids are not all in Redis (lost, never added after a crash) is caught
 * up, which re-adds them. It also follows the triage queue: when a triage job completes, the
 * incident's clocks are synced with the new decision at once (start, severity or times changed).
 */
export class ClockReconciler {
  readonly name = 'clock-reconciler';
  private readonly loop: Periodic;
  private events: QueueEvents | undefined;
  private readonly batch: number;
  /**
   * Syncs after triage, bounded: under a burst of reports each would read and rewrite an incident at
   * once and crowd out triage itself. A sync may then wait its turn; a clock already overdue at triage
   * is caught up when it runs (the shortest clock of the default pack is 30 minutes). A sync still
   * waiting covers any later triage of the same incident (it reads when it runs).
   */
  private readonly syncLimit: ReturnType<typeof pLimit>;
  private readonly syncWaiting = new Set<string>();
  private readonly syncs = new Set<Promise<void>>();

  constructor(
    private readonly repository: WorkflowRepository,
    private readonly clocks: ClockService,
    private readonly timers: ClockTimers,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
    options: ClockReconcilerOptions = {},
  ) {
    this.batch = options.batch ?? 500;
    this.syncLimit = pLimit(options.syncConcurrency ?? 2);
    this.loop = new Periodic(this.name, options.intervalMs ?? 60_000, () => this.pass(), logger);
  }

  /** A method, not a field read: `stop()` may flip it while a pass is awaited. */
  private halted(): boolean {
    return !this.loop.active;
  }

  start(): void {
    this.followTriage();
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.events?.close();
    await Promise.all(this.syncs);
  }

  private followTriage(): void {
    // A connection of its own: QueueEvents blocks on XREAD and must retry while Redis is away.
    const connection = {
      ...this.redis.options,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      lazyConnect: false,
    };
    this.events = new QueueEvents('triage', { connection, prefix: this.prefix });
    this.events.on('error', () => undefined);
    this.events.on('completed', ({ jobId }) => {
      this.syncAfterTriage(jobId.replace(/-r\d+$/, ''));
    });
  }

  private syncAfterTriage(incidentId: string): void {
    if (this.syncWaiting.has(incidentId)) return;
    this.syncWaiting.add(incidentId);
    const sync = this.syncLimit(async () => {
      this.syncWaiting.delete(incidentId);
      if (!this.halted()) await this.clocks.catchUp(incidentId); // after stop: left to the reconciler
    })
      .catch((err: unknown) => {
        this.logger.warn(
          { incidentId, err: (err as Error).message },
          'clock sync after triage failed; the reconciler retries',
        );
      })
      .finally(() => this.syncs.delete(sync));
    this.syncs.add(sync);
  }

  /** One full pass; resolves with the number of incidents whose clocks or timers were repaired. */
  async pass(): Promise<number> {
    let repaired = 0;
    for await (const batch of this.repository.withClocks(this.batch)) {
      if (this.halted()) break;
      await Promise.all(batch.map((incident) => this.clocks.reindex(incident)));
      const lost = new Set(await this.timers.missing(batch.flatMap((incident) => incident.clockTimers)));
      for (const incident of batch) {
        if (this.halted()) break;
        const bare = incident.clocks.some((clock) => !('state' in clock));
        if (!bare && !incident.clockTimers.some((id) => lost.has(id))) continue;
        await this.clocks.catchUp(incident.id);
        repaired++;
      }
    }
    if (repaired > 0) this.logger.info({ repaired }, 'clock timers reconciled');
    return repaired;
  }
}
