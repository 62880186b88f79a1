import type { Redis } from 'ioredis';
import { jobIntent, type JobIntent } from '../platform/index.js';
import type { QueueRegistry } from '../platform/queue/index.js';
import { timerJobId } from './clock-events.js';
import type { ClockTimer } from './clock.types.js';

/**
 * The timers a clock write needs, as jobs that write records (its job outbox): the relay adds each
 * as a delayed `clocks` job under its deterministic id, so a timer already there is left as it is. A
 * timer the write made unnecessary is not removed: when it fires it finds nothing due and writes
 * nothing (one read).
 */
function timerJobs(incidentId: string, timers: readonly ClockTimer[]): JobIntent<'clocks'>[] {
  return timers.map((timer) =>
    jobIntent(
      'clocks',
      timerJobId(incidentId, timer),
      { incidentId, clockKey: timer.clockKey, kind: timer.kind, at: timer.at.getTime() },
      timer.at,
    ),
  );
}

/**
 * The job that brings an incident's clocks in line with what a write of the incident recorded (a
 * transition's milestone, an obligation, a triage decision): a clock `sync`, whose catch-up reads the
 * facts and the record. `cause` makes the id one per write (the revision it produced).
 */
export function clockSyncJob(incidentId: string, cause: string): JobIntent<'clocks'> {
  return syncJob(incidentId, `${incidentId}-sync-${cause}`);
}

/** A clock `sync` under its id: a catch-up that hands over the queued mails and brings the clocks in line. */
const syncJob = (incidentId: string, jobId: string): JobIntent<'clocks'> =>
  jobIntent('clocks', jobId, { incidentId, clockKey: 'all', kind: 'sync', at: Date.now() });

/**
 * The jobs a clock write records: the timers the clocks need, and, when the write queued mails (the
 * record's outbox, or the incident's), the job that hands them to the notifications (a clock `sync`,
 * whose catch-up starts by handing over and clearing the outboxes). One hand-over per write: `cause`
 * names the write (the record's sequence it was made on, or the incident's revision).
 */
export function clockWriteJobs(
  incidentId: string,
  cause: string,
  timers: readonly ClockTimer[],
  mailsQueued: boolean,
): JobIntent<'clocks'>[] {
  const jobs = timerJobs(incidentId, timers);
  if (mailsQueued) jobs.push(syncJob(incidentId, `${incidentId}-mail-${cause}`));
  return jobs;
}

/**
 * The clocks' delayed BullMQ jobs. Ids are deterministic, so adding a timer twice (two processes, a
 * reconciler pass) leaves one job; a timer that moved is removed by its old id and added by its new one.
 */
export class ClockTimers {
  constructor(
    private readonly queues: QueueRegistry,
    /** The connection the queues use (a reconciler pass checks timers with pipelined EXISTS). */
    private readonly redis: Redis,
  ) {}

  /** Adds every timer of `timers` (a past time fires at once): the repair of timers Redis lost. */
  async ensure(incidentId: string, timers: readonly ClockTimer[]): Promise<string[]> {
    const now = Date.now();
    const intents = timerJobs(incidentId, timers);
    // Jobs stay around after completion (trimmed by age), so a re-add of a fired timer is ignored.
    await Promise.all(
      intents.map(({ queue, jobId, payload, runAt }) =>
        this.queues.add(queue, payload, { jobId, delay: Math.max(0, (runAt?.getTime() ?? now) - now) }),
      ),
    );
    return intents.map((intent) => intent.jobId);
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
}
