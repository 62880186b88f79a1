import type { Logger } from 'pino';
import { runWithContext } from './context.js';
import type { RequestPressure } from './request-pressure.js';
import type { SharedTurn } from './shared-turn.js';

/** Options of {@link Periodic}. */
export interface PeriodicOptions {
  /**
   * Largest share of wall time the passes may take. A pass that scans a whole collection gets slower
   * as data grows (FerretDB v1 scans for most filters), so the pause stretches to keep the loop's load
   * on the database bounded instead of growing with it. Default 0.1.
   */
  dutyCycle?: number;
  /** The longest pause the duty cycle may stretch to; default 5 minutes, or the interval when longer. */
  maxPauseMs?: number;
  /**
   * Shared with the same loop in other processes: one pass per interval among them all (the others
   * skip their turn), held for the pause after it. Without, every process passes on its own.
   */
  turn?: SharedTurn;
  /**
   * Back off while passes find nothing: each pass in a row whose result is `0` or `false` doubles the
   * pause, up to this many times the interval; a pass that finds anything brings the interval back.
   * For safety nets that look for rare leftovers, so an idle system is not asked every few seconds.
   * Default 1 (no back-off).
   */
  idleBackoff?: number;
  /**
   * The API's requests in this process, when it serves them too: a pass starts only once they have
   * eased (or after their longest wait), and a long pass asks {@link Periodic.yieldToRequests} between
   * its steps. The reconcilers' passes scan whole collections (5-50 s each on a store of 12,000
   * reports); one of them falling inside a flood of reports took a third of its intake.
   */
  pressure?: RequestPressure | null;
}

/**
 * The longest a pass, or a step of one, waits for the API's requests to ease. Longer than a job's wait:
 * the passes are safety nets nobody is waiting for, and a flood of reports is over in seconds; a
 * flood that never ends still lets one step through each time.
 */
const PASS_MAX_WAIT_MS = 30_000;

/** Whether a pass's result says it found nothing (a count of zero, or false). */
const foundNothing = (result: unknown): boolean => result === 0 || result === false;

/** The pause after a pass that took `costMs`, so passes take at most `dutyCycle` of the time. */
export function pauseAfter(costMs: number, intervalMs: number, dutyCycle: number): number {
  return Math.max(intervalMs, (costMs * (1 - dutyCycle)) / dutyCycle);
}

/**
 * The pause after a pass. Only a pass that did its work says how heavy the work is: one that failed,
 * having waited for a store that was away, must not stretch the next pause by minutes; and stretching
 * stops at `maxPauseMs`, so a loop never goes quiet for long.
 */
export function pauseAfterPass(
  pass: { succeeded: boolean; costMs: number },
  loop: { intervalMs: number; dutyCycle: number; maxPauseMs: number },
): number {
  if (!pass.succeeded) return loop.intervalMs;
  return Math.min(pauseAfter(pass.costMs, loop.intervalMs, loop.dutyCycle), loop.maxPauseMs);
}

/**
 * Runs `pass` at start and then `intervalMs` after each pass ends (longer when passes are slow, see
 * {@link PeriodicOptions.dutyCycle}), until stopped: the loop behind the reconcilers. A failing pass
 * is logged and simply tried again next time; passes never overlap, and `stop()` waits for the one in
 * progress. `wake()` asks for a pass now, for work that is known to be waiting.
 */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeWanted = false;
  private passes = 0;
  private readonly dutyCycle: number;
  private readonly maxPauseMs: number;
  private readonly turn: SharedTurn | undefined;
  private readonly idleBackoff: number;
  private readonly pressure: RequestPressure | null;
  /** Passes in a row that found nothing. */
  private idlePasses = 0;
  private pausedMs = 0;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly pass: () => Promise<unknown>,
    private readonly logger: Logger,
    options: PeriodicOptions = {},
  ) {
    this.dutyCycle = options.dutyCycle ?? 0.1;
    this.maxPauseMs = Math.max(options.maxPauseMs ?? 300_000, intervalMs);
    this.turn = options.turn;
    this.idleBackoff = Math.max(1, options.idleBackoff ?? 1);
    this.pressure = options.pressure ?? null;
  }

  /** Between the steps of a long pass: waits while this process's API requests are high (see options). */
  async yieldToRequests(): Promise<void> {
    await this.pressure?.eased(PASS_MAX_WAIT_MS);
  }

  /** False once `stop()` was called: long passes check it between steps. */
  get active(): boolean {
    return !this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** A pass as soon as possible: now when idle, right after the current one otherwise. */
  wake(): void {
    if (this.stopped) return;
    this.wakeWanted = true;
    if (this.running) return;
    clearTimeout(this.timer);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** 2 to the power of the idle passes in a row, at most `idleBackoff`. */
  private idleFactor(): number {
    return Math.min(2 ** Math.min(this.idlePasses, 30), this.idleBackoff);
  }

  /** The pause chosen after the last pass (health and tests). */
  get lastPauseMs(): number {
    return this.pausedMs;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      let started = Date.now();
      // Each pass under its own id: a pass woken from inside a job or request must not log (or audit)
      // as that job for ever after, since every later pass is scheduled from this one.
      this.passes += 1;
      this.running = this.yieldToRequests()
        .then(() => {
          started = Date.now(); // the wait for the requests is no part of the pass's cost
          // A wake asks for this process's pass now, whoever had the turn.
          const woken = this.wakeWanted;
          this.wakeWanted = false;
          return woken || !this.turn ? true : this.turn.take(this.intervalMs);
        })
        .then((ours): Promise<boolean | 'skipped'> | 'skipped' => {
          if (!ours || this.stopped) return 'skipped';
          return runWithContext({ requestId: `${this.name}-${this.passes}` }, () => this.pass()).then(
            (result) => {
              this.idlePasses = foundNothing(result) ? this.idlePasses + 1 : 0;
              return true;
            },
          );
        })
        .catch((err: unknown): boolean => {
          this.idlePasses = 0; // a failure is no sign of quiet: look again at the interval
          this.logger.warn({ err: (err as Error).message }, `${this.name} pass failed`);
          return false;
        })
        .then(async (outcome: boolean | 'skipped') => {
          const pause =
            outcome === 'skipped'
              ? this.intervalMs
              : pauseAfterPass(
                  { succeeded: outcome, costMs: Date.now() - started },
                  { intervalMs: this.intervalMs, dutyCycle: this.dutyCycle, maxPauseMs: this.maxPauseMs },
                ) * this.idleFactor();
          // The others wait out this pause too, but at most 30 s: if this process dies, another takes over.
          if (outcome !== 'skipped')
            await this.turn?.hold(Math.min(pause, Math.max(this.intervalMs, 30_000)));
          this.running = undefined;
          this.pausedMs = pause;
          this.schedule(this.wakeWanted ? 0 : pause);
        });
    }, delayMs);
    this.timer.unref();
  }
}
