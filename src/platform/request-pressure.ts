import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The API's requests in flight, for the workers of the same process: while at least `threshold` of them
 * run, a job waits before it starts (up to `maxWaitMs`), so that the requests get the process and the
 * store first. A process that serves both shares one event loop and one store connection between them,
 * and a triage costs about ten times a report's intake (docs/benchmarks.md, session 23): left alone, a
 * flood's own triage took most of the CPU the flood's intake needed. A bureau's report acknowledged is
 * the thing not to lose; its triage a few seconds later changes nothing it is owed (its clocks run
 * from the report's own times). Waiting is bounded, so triage still moves under a flood that never ends,
 * and jobs that have started are never held. Processes that run only one role have no pressure to
 * share, and none is made for them (see runtime.ts).
 */
export class RequestPressure {
  private inFlight = 0;
  private waiting = 0;
  /** When the requests last reached the threshold (performance.now()). */
  private highAt = -Infinity;

  constructor(
    /** Requests in flight from which jobs wait; 0 never makes them wait. */
    readonly threshold: number,
    /** The longest one job waits before it starts anyway. */
    readonly maxWaitMs: number,
    /**
     * How long the requests must have stayed below the threshold before jobs start: under a flood the
     * count dips for a moment each time a batch of answers goes out, and waking every job at each dip
     * let them all through (measured: no gain at all until this was added).
     */
    readonly calmMs = 250,
  ) {}

  /** Requests running now. */
  get requests(): number {
    return this.inFlight;
  }

  /** Jobs waiting for the requests to ease. */
  get jobsWaiting(): number {
    return this.waiting;
  }

  private high(now: number): boolean {
    return this.threshold > 0 && (this.inFlight >= this.threshold || now - this.highAt < this.calmMs);
  }

  /** Counts one request until its release (safe to call twice). */
  enter(): () => void {
    this.inFlight += 1;
    if (this.threshold > 0 && this.inFlight >= this.threshold) this.highAt = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (this.threshold > 0 && this.inFlight >= this.threshold) this.highAt = performance.now();
      this.inFlight -= 1;
    };
  }

  /**
   * Resolves at once unless the requests are at the threshold or were within the last `calmMs`; then
   * once they have stayed below it for `calmMs`, or after `maxWaitMs` (a job's; a background pass,
   * which nobody waits for, passes a longer one).
   */
  async eased(maxWaitMs = this.maxWaitMs): Promise<void> {
    const begun = performance.now();
    if (!this.high(begun)) return;
    this.waiting += 1;
    try {
      for (;;) {
        const now = performance.now();
        const left = begun + maxWaitMs - now;
        if (left <= 0 || !this.high(now)) return;
        // Until the calm would be long enough if no request reached the threshold meanwhile; while
        // they are at the threshold, a calm's length, then look again.
        const calmIn = this.inFlight >= this.threshold ? this.calmMs : this.highAt + this.calmMs - now;
        await sleep(Math.max(1, Math.min(left, calmIn)));
      }
    } finally {
      this.waiting -= 1;
    }
  }
}
