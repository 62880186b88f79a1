import { Periodic, type Logger, type RequestPressure } from '../platform/index.js';
import type { IncidentListIndex } from './incident-list.index.js';
import type { IncidentRepository } from './incident.repository.js';

/** Options of the list index reconciler. */
export interface IncidentListReconcilerOptions {
  /** Pause between passes (stretched so that passes take 5% of the time at most, up to an hour). */
  intervalMs?: number;
  /** Incidents filed per round trip to Redis. */
  batch?: number;
  /** Passes wait while this process's API requests are high (see `Periodic`). */
  pressure?: RequestPressure | null;
}

/**
 * Re-files every incident in the list index: at start (an empty or flushed Redis is rebuilt, and
 * lists read MongoDB until the first pass has covered the collection) and then every `intervalMs`,
 * so a row lost to a crash between the incident's write and its filing comes back. Each row is put
 * with the version read, so a pass holding an older read never undoes a newer write.
 */
export class IncidentListReconciler {
  readonly name = 'incident-list-reconciler';
  private readonly loop: Periodic;
  private readonly batch: number;
  /** Set by `stop()`: a pass in progress ends at its next batch (the next start files the rest). */
  private stopping = false;

  constructor(
    private readonly incidents: IncidentRepository,
    private readonly index: IncidentListIndex,
    private readonly logger: Logger,
    options: IncidentListReconcilerOptions = {},
  ) {
    this.batch = options.batch ?? 500;
    // A pass decodes every incident on FerretDB v1 (about two minutes for 10,000 on a busy two-core
    // machine): 5% of the time at most, the pause stretching up to an hour. Only a write whose process
    // died between MongoDB and Redis needs it; lists stay correct meanwhile, that incident just unlisted.
    this.loop = new Periodic(this.name, options.intervalMs ?? 600_000, () => this.pass(), logger, {
      dutyCycle: 0.05,
      maxPauseMs: 3_600_000,
      pressure: options.pressure ?? null,
    });
  }

  start(): void {
    this.stopping = false;
    this.loop.start();
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.loop.stop();
  }

  /** One full pass; resolves with the number of incidents filed. */
  async pass(): Promise<number> {
    let filed = 0;
    for await (const batch of this.incidents.listedRows(this.batch)) {
      if (this.stopping) return filed;
      await this.index.putMany(batch);
      await this.loop.yieldToRequests();
      filed += batch.length;
    }
    await this.index.markReady();
    this.logger.debug({ filed }, 'incident list index reconciled');
    return filed;
  }
}
