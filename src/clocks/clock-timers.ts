import type { Redis } from 'ioredis';
import type { Logger } from '../platform/index.js';
import type { QueueRegistry } from '../platform/queue/index.js';
import { timerJobId } from './clock-events.js';
import type { ClockTimer } from './clock.types.js';

/**
 * The clocks' delayed BullMQ jobs. Ids are deterministic, so adding a timer twice (two processes, a
 * reconciler pass) leaves one job; a timer that moved is removed by its old id and added by its new one.
 */
export class ClockTimers {
  constructor(
    private readonly queues: QueueRegistry,
    private readonly logger: Logger,
    /** The connection the queues use (a reconciler pass checks timers with pipelined EXISTS). */
    private readonly redis: Redis,
  ) {}

  /** Adds every timer of `timers` (a past time fires at once) and removes `previous` ids no longer wanted. */
  async ensure(
    incidentId: string,
    timers: readonly ClockTimer[],
    previous: readonly string[] = [],
  ): Promise<string[]> {
    const ids = timers.map((timer) => timerJobId(incidentId, timer));
    const now = Date.now();
    await Promise.all(
      timers.map((timer, i) =>
        this.queues.add(
          'clocks',
          { incidentId, clockKey: timer.clockKey, kind: timer.kind, at: timer.at.getTime() },
          // Jobs stay around after completion (trimmed by age), so a re-add of a fired timer is ignored.
          { jobId: ids[i] ?? '', delay: Math.max(0, timer.at.getTime() - now) },
        ),
      ),
    );
    const stale = previous.filter((id) => !ids.includes(id));
    await Promise.all(stale.map((id) => this.remove(id)));
    return ids;
  }

  /** Of these job ids, those Redis no longer holds (lost, or trimmed after completion). */
  async missing(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const queue = this.queues.queue('clocks');
    // One pipelined EXISTS per job hash: a reconciler pass asks about every timer of every incident.
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(queue.toKey(id));
    const results = (await pipeline.exec()) ?? [];
    return ids.filter((_, i) => results[i]?.[1] !== 1);
  }

  private async remove(id: string): Promise<void> {
    try {
      const job = await this.queues.queue('clocks').getJob(id);
      // A running job finishes on its own and finds nothing to do; only waiting timers are removed.
      if (job && (await job.isDelayed())) await job.remove();
    } catch (err) {
      this.logger.debug({ jobId: id, err: (err as Error).message }, 'stale clock timer not removed');
    }
  }
}
