import { Periodic, type Logger, type RequestPressure, type SharedTurn } from '../platform/index.js';
import type { NotificationRepository } from './notification.repository.js';
import type { NotificationService } from './notification.service.js';

export interface RequeueOptions {
  /** Pause between passes; default 2 s (longer when passes are slow, see {@link Periodic}). */
  intervalMs?: number;
  /** Open notifications untouched this long are queued again (lost job); default 60 s. */
  requeueAfterMs?: number;
  /** One pass per interval among all processes running this loop (see `SharedTurn`). */
  turn?: SharedTurn;
  /** Passes wait while this process's API requests are high (see `Periodic`). */
  pressure?: RequestPressure | null;
}

/**
 * Background loop: queues again the open (`queued`, `deferred`) notifications whose job was lost (Redis
 * away when they were stored, a job removed). Reads the notifications collection only; each one found
 * is touched first, so the next pass leaves it alone while its job runs.
 */
export class NotificationRequeue {
  readonly name = 'notification-requeue';
  private readonly loop: Periodic;

  constructor(
    private readonly records: NotificationRepository,
    private readonly notifications: NotificationService,
    logger: Logger,
    private readonly options: RequeueOptions = {},
  ) {
    // With nothing to re-queue it looks less often, up to 8 times the interval (a lost job is only
    // looked for after `requeueAfterMs` anyway).
    this.loop = new Periodic(this.name, options.intervalMs ?? 2000, () => this.passNow(), logger, {
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

  /** One pass now (tests): re-queue stale open notifications. Returns how many. */
  async passNow(): Promise<number> {
    const stale = new Date(Date.now() - (this.options.requeueAfterMs ?? 60_000));
    const found = await this.records.findOpen(stale, 100);
    for (const open of found) {
      await this.records.touch(open.id);
      await this.notifications.enqueue(open.id);
    }
    return found.length;
  }
}
