import type { Logger } from '../platform/index.js';
import type { QueueRegistry } from '../platform/queue/index.js';

/** Why triage is asked for, as the job payload says. */
export type TriageReason = 'reported' | 'updated' | 'reconcile';

/** Job id of triage round `round` of an incident: the id itself first, then `<id>-r<n>`. */
export const triageJobId = (incidentId: string, round: number): string =>
  round === 0 ? incidentId : `${incidentId}-r${round}`;

/**
 * Queues triage jobs. A failure (Redis down) is logged, not thrown: the incident is stored with
 * `triagePending`, and the reconciler queues it once Redis answers again.
 */
export class TriageRequester {
  /** Adds that failed or timed out since start: the reconciler skips its grace period after one. */
  failures = 0;

  /**
   * @param timeoutMs how long an add may wait: BullMQ waits for a connection that is not ready rather
   *   than failing, so without a bound a report would hang while Redis is down. The add still completes
   *   if Redis comes back; the job id makes that and the reconciler's add the same job.
   */
  constructor(
    private readonly queues: QueueRegistry,
    private readonly logger: Logger,
    private readonly timeoutMs = 1500,
  ) {}

  /** Returns whether the job is queued (or was already). */
  async request(incidentId: string, round: number, reason: TriageReason): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error('queue did not answer in time'));
      }, this.timeoutMs);
    });
    try {
      const added = this.queues.add(
        'triage',
        { incidentId, reason },
        { jobId: triageJobId(incidentId, round) },
      );
      added.catch(() => undefined); // a late failure is the reconciler's business
      await Promise.race([added, timeout]);
      return true;
    } catch (err) {
      this.failures++;
      this.logger.warn(
        { incidentId, round, err: (err as Error).message },
        'triage not queued; the reconciler will retry',
      );
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
