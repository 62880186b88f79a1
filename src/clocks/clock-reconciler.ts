import { Periodic, type Logger, type RequestPressure, type SharedTurn } from '../platform/index.js';
import type { ClockReads } from './clock-reads.js';
import type { ClockRecordRepository } from './clock-record.repository.js';
import type { ClockStore } from './clock-store.js';
import type { ClockTimers } from './clock-timers.js';
import type { ClockService } from './clock.service.js';

/** Options of the clock reconciler. */
export interface ClockReconcilerOptions {
  /** Pause between full passes over the incidents with clocks. */
  intervalMs?: number;
  /** Incidents read per batch. */
  batch?: number;
  /** One pass per interval among all processes running this loop (see `SharedTurn`). */
  turn?: SharedTurn;
  /** Passes wait while this process's API requests are high, before each batch too (see `Periodic`). */
  pressure?: RequestPressure | null;
}

/**
 * Keeps timers and clocks honest. At start and every `intervalMs` it walks every clock record with its
 * incident, re-filing the incident's urgency and queue row from it (the index is rebuilt from the
 * store; a process that died between a clock write and its urgency leaves this): an incident whose stored timer ids are
 * not all in Redis (lost, never added after a crash) is caught up, which re-adds them. A new triage
 * decision brings its clocks in line through the `sync` job its own write records, not through here.
 */
export class ClockReconciler {
  readonly name = 'clock-reconciler';
  private readonly loop: Periodic;
  private readonly batch: number;

  constructor(
    private readonly store: ClockStore,
    private readonly records: ClockRecordRepository,
    private readonly reads: ClockReads,
    private readonly clocks: ClockService,
    private readonly timers: ClockTimers,
    private readonly logger: Logger,
    options: ClockReconcilerOptions = {},
  ) {
    this.batch = options.batch ?? 500;
    this.loop = new Periodic(this.name, options.intervalMs ?? 60_000, () => this.pass(), logger, {
      pressure: options.pressure ?? null,
      ...(options.turn ? { turn: options.turn } : {}),
    });
  }

  /** A method, not a field read: `stop()` may flip it while a pass is awaited. */
  private halted(): boolean {
    return !this.loop.active;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One full pass; resolves with the number of incidents whose clocks or timers were repaired. */
  async pass(): Promise<number> {
    let repaired = 0;
    for await (const records of this.records.all(this.batch)) {
      if (this.halted()) break;
      await this.loop.yieldToRequests();
      const facts = await this.store.findMany(records.map((record) => record.incidentId));
      const batch = await this.reads.joinMany(facts, records);
      await Promise.all(batch.map((incident) => this.clocks.settled(incident)));
      const lost = new Set(await this.timers.missing(batch.flatMap((incident) => incident.clockTimers)));
      for (const incident of batch) {
        if (this.halted()) break;
        // A write whose `sync` job was lost: a re-triage's specs, an obligation or a milestone not
        // taken in yet.
        if (!this.clocks.behind(incident) && !incident.clockTimers.some((id) => lost.has(id))) continue;
        await this.clocks.catchUp(incident.id);
        repaired++;
      }
    }
    if (repaired > 0) this.logger.info({ repaired }, 'clock timers reconciled');
    return repaired;
  }
}
