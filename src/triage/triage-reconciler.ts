import {
  ALL_SCOPE,
  Periodic,
  type Logger,
  type RequestPressure,
  type SharedTurn,
} from '../platform/index.js';
import { triageJobId, type TriageRequester } from '../incidents/index.js';
import type { QueueRegistry } from '../platform/queue/index.js';
import type { TriageStore } from './triage-store.js';

/** Options of the triage reconciler. */
export interface TriageReconcilerOptions {
  /** Pause between passes. */
  intervalMs?: number;
  /** An incident pending this long whose job is finished (failed, or completed without effect) is re-run. */
  staleMs?: number;
  /** Incidents looked at per pass. */
  batch?: number;
  /**
   * Incidents written less than this long ago are left to the job intake queued for them, unless a
   * queue add failed since the last pass. Default 5 s.
   */
  graceMs?: number;
  /** One pass per interval among all processes running this loop (see `SharedTurn`). */
  turn?: SharedTurn;
  /** Passes wait while this process's API requests are high (see `Periodic`). */
  pressure?: RequestPressure | null;
}

/**
 * Makes sure no accepted incident stays untriaged: on start and then every `intervalMs`, queues every
 * incident still waiting for triage. Job ids are deterministic, so a job already queued is not doubled;
 * a finished job that left the incident pending (it failed for good, say) is run again.
 */
export class TriageReconciler {
  readonly name = 'triage-reconciler';
  private readonly loop: Periodic;
  private readonly staleMs: number;
  private readonly batch: number;
  private readonly graceMs: number;
  private failuresSeen = 0;
  /** Incidents the last pass found pending (none: the loop backs off). */
  private lastPending = 0;

  constructor(
    private readonly incidents: Pick<TriageStore, 'findTriagePending'>,
    private readonly requester: TriageRequester,
    private readonly queues: QueueRegistry,
    private readonly logger: Logger,
    options: TriageReconcilerOptions = {},
  ) {
    this.staleMs = options.staleMs ?? 60_000;
    this.batch = options.batch ?? 500;
    this.graceMs = options.graceMs ?? 5000;
    // The pass scans every incident on FerretDB v1: 5% of the time at most, however many there are.
    // With nothing pending it looks less often, up to 8 times the interval: a report's own job and the
    // audit relay's job outbox come first, this loop only catches what both missed.
    const loopPass = async (): Promise<number> => {
      await this.pass();
      return this.lastPending;
    };
    this.loop = new Periodic(this.name, options.intervalMs ?? 2000, loopPass, logger, {
      dutyCycle: 0.05,
      idleBackoff: 8,
      pressure: options.pressure ?? null,
      ...(options.turn ? { turn: options.turn } : {}),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass: returns how many incidents were (re)queued. */
  async pass(): Promise<number> {
    // A failed add since the last pass means fresh incidents may have no job: no grace then.
    const failures = this.requester.failures;
    const graceFrom = failures === this.failuresSeen ? Date.now() - this.graceMs : Infinity;
    this.failuresSeen = failures;
    const pending = await this.incidents.findTriagePending(ALL_SCOPE, this.batch);
    this.lastPending = pending.length;
    let queued = 0;
    for (const incident of pending) {
      if (!this.loop.active) break;
      if (incident.updatedAt.getTime() > graceFrom) continue;
      if (Date.now() - incident.updatedAt.getTime() > this.staleMs)
        await this.rerunFinished(incident.id, incident.triageRound);
      if (await this.requester.request(incident.id, incident.triageRound, 'reconcile')) queued++;
      else break; // Redis is down: the next pass tries again
    }
    if (pending.length > 0) this.logger.debug({ pending: pending.length, queued }, 'triage reconciled');
    return queued;
  }

  private async rerunFinished(incidentId: string, round: number): Promise<void> {
    try {
      const job = await this.queues.queue('triage').getJob(triageJobId(incidentId, round));
      if (!job) return;
      const state = await job.getState();
      if (state === 'failed' || state === 'completed') await job.remove();
    } catch (err) {
      this.logger.warn(
        { incidentId, err: (err as Error).message },
        'could not inspect a finished triage job',
      );
    }
  }
}
