import type { Logger } from '../platform/index.js';
import type { QueueRegistry } from '../platform/queue/index.js';

/** Why triage is asked for, as the job payload says. */
export type TriageReason = 'reported' | 'updated' | 'reconcile' | 'campaign';

/** Job id of triage round `round` of an incident: the id itself first, then `<id>-r<n>`. */
export const triageJobId = (incidentId: string, round: number): string =>
  round === 0 ? incidentId : `${incidentId}-r${round}`;

/** Default window of campaign re-triage: at most one per incident per window, at its end. */
export const CAMPAIGN_WINDOW_MS = 5 * 60_000;

/** Job id of the campaign re-triage of an incident in the window that holds `at`: `<id>-c<window>`. */
export const campaignJobId = (incidentId: string, at: number, windowMs = CAMPAIGN_WINDOW_MS): string =>
  `${incidentId}-c${Math.floor(at / windowMs)}`;

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
    private readonly campaignWindowMs = CAMPAIGN_WINDOW_MS,
  ) {}

  /**
   * Asks for a re-triage of an incident because another bureau's report linked to it: bounded to one
   * job per incident per window, run at the window's end, so any number of links within it coalesce
   * into one run. Returns whether the job is queued (or was already).
   */
  requestCampaign(incidentId: string, now = Date.now()): Promise<boolean> {
    const windowEnd = (Math.floor(now / this.campaignWindowMs) + 1) * this.campaignWindowMs;
    return this.add(incidentId, 'campaign', {
      jobId: campaignJobId(incidentId, now, this.campaignWindowMs),
      delay: windowEnd - now,
    });
  }

  /** Returns whether the job is queued (or was already). */
  request(incidentId: string, round: number, reason: TriageReason): Promise<boolean> {
    return this.add(incidentId, reason, { jobId: triageJobId(incidentId, round) });
  }

  private async add(
    incidentId: string,
    reason: TriageReason,
    options: { jobId: string; delay?: number },
  ): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error('queue did not answer in time'));
      }, this.timeoutMs);
    });
    try {
      const added = this.queues.add('triage', { incidentId, reason }, options);
      added.catch(() => undefined); // a late failure is the reconciler's business
      await Promise.race([added, timeout]);
      return true;
    } catch (err) {
      this.failures++;
      this.logger.warn(
        { incidentId, job: options.jobId, err: (err as Error).message },
        'triage not queued; the reconciler will retry',
      );
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
