import type { Logger } from 'pino';

/**
 * Runs `pass` at start and then `intervalMs` after each pass ends, until stopped: the loop behind the
 * reconcilers. A failing pass is logged and simply tried again next time; passes never overlap, and
 * `stop()` waits for the one in progress.
 */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly pass: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** False once `stop()` was called: long passes check it between steps. */
  get active(): boolean {
    return !this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .then(() => undefined)
        .catch((err: unknown) => {
          this.logger.warn({ err: (err as Error).message }, `${this.name} pass failed`);
        })
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
