// Read-only views of the system's state from the harness: the database (incidents, outboxes, the
// audit trail, the delivery ledger) and the BullMQ queues. Used to decide "quiet" and by the checks.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, type QueueName } from '../../src/jobs/index.js';
import { connectMongo, type Connection } from '../../src/platform/db/index.js';
import { createLogger } from '../../src/platform/index.js';
import { createRedis } from '../../src/platform/queue/index.js';

export interface IncidentRow {
  id: string;
  title: string;
  status: string;
  triagePending: boolean;
  triaged: boolean;
  /**
   * Notification specs triage stored that have no notification yet (the `dispatch` job has not run):
   * work left. Once requested, a notification counts among the notifications' own statuses.
   */
  unrequestedNotifications: number;
  /** The bureau's follow-ups applied to the incident (`updateCount`). */
  updateCount: number;
  /** The follow-up records stored for it (`incident_updates`), applied or not. */
  followUpRecords: number;
}

/** Spec statuses an earlier version wrote onto the incident as settled: never requested again. */
const SETTLED_SPEC = new Set(['failed', 'cancelled']);

export interface AuditRow {
  seq: number;
  eventId: string;
  action: string;
  subjectId: string | null;
  at: string;
  round: number | null;
}

export interface QueueState {
  /** Jobs waiting, active, prioritized, paused or waiting for children. */
  busy: number;
  /** Delayed jobs that are retries or overdue timers (a clock's future timer is not work). */
  dueOrRetrying: number;
  /** Delayed jobs in the future: clock timers. */
  timers: number;
  failed: number;
}

/** Collections the audit module itself owns: no outbox there. */
const NOT_OUTBOXES = new Set(['audit_events', 'audit_checkpoints', 'audit_export_pages']);
/** A clock timer more than this late counts as work still to do. */
const OVERDUE_MS = 10_000;

export class Observer {
  private readonly queues: Map<QueueName, Queue>;

  private constructor(
    readonly db: Connection,
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.queues = new Map(
      QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: redis, prefix })] as const),
    );
    for (const queue of this.queues.values()) queue.on('error', () => undefined);
  }

  static async open(mongodbUri: string, redisUrl: string, prefix: string): Promise<Observer> {
    const logger = createLogger('silent');
    // The checks read whole collections of a store that is busy with the load: give them time.
    const db = await connectMongo(mongodbUri, logger, { socketTimeoutMS: 600_000 });
    return new Observer(db, createRedis(redisUrl, 'general', logger), prefix);
  }

  private collection(name: string) {
    const db = this.db.db;
    if (!db) throw new Error('database not connected');
    return db.collection(name);
  }

  async incidents(): Promise<IncidentRow[]> {
    const docs = await this.collection('incidents')
      .find(
        {},
        {
          projection: {
            facts: 1,
            status: 1,
            triagePending: 1,
            triagedAt: 1,
            'triage.decisionId': 1,
            updateCount: 1,
          },
        },
      )
      .toArray();
    const followUps = new Map<string, number>();
    for (const record of await this.collection('incident_updates')
      .find({}, { projection: { incidentId: 1 } })
      .toArray()) {
      const id = String(record.incidentId);
      followUps.set(id, (followUps.get(id) ?? 0) + 1);
    }
    // The notifications an incident owes are its decision record's (the one in force): one read of
    // the records' lists, and one of the notifications' keys (`incident:<id>:<spec key>`).
    const owedBy = new Map(
      (
        await this.collection('triage_decisions')
          .find({}, { projection: { owed: 1 } })
          .toArray()
      ).map((record) => [
        String(record._id),
        (record.owed ?? []) as Array<{ key?: string; status?: string }>,
      ]),
    );
    const requested = new Set(
      (
        await this.collection('notifications')
          .find({}, { projection: { key: 1 } })
          .toArray()
      ).map((n) => String(n.key)),
    );
    return docs.map((doc) => {
      const facts = doc.facts as { title?: string } | undefined;
      const decisionId = (doc.triage as { decisionId?: string } | null | undefined)?.decisionId;
      const notifications = (decisionId ? owedBy.get(decisionId) : undefined) ?? [];
      return {
        id: String(doc._id),
        title: facts?.title ?? '',
        status: String(doc.status),
        triagePending: doc.triagePending === true,
        triaged: doc.triagedAt != null && doc.status !== 'reported',
        unrequestedNotifications: notifications.filter(
          (n) =>
            !SETTLED_SPEC.has(n.status ?? '') && !requested.has(`incident:${String(doc._id)}:${n.key ?? ''}`),
        ).length,
        updateCount: typeof doc.updateCount === 'number' ? doc.updateCount : 0,
        followUpRecords: followUps.get(String(doc._id)) ?? 0,
      };
    });
  }

  /**
   * Documents with drafts still in their `pendingAudit` outbox, per collection, and the job intents
   * still in their `pendingJobs` outbox (not yet enqueued by a relay). With `before`, what was written
   * after it is counted apart as in flight (`newer`): a clock timer that fires while the checks run
   * writes after the quiet point, and its drafts and jobs are new work, not leftovers. A document's
   * jobs are in flight when every draft beside them is newer (one write records both).
   */
  async outboxDrafts(before?: Date): Promise<{
    documents: number;
    drafts: number;
    byCollection: Record<string, number>;
    jobs: number;
    jobsByCollection: Record<string, number>;
    newer: { drafts: number; jobs: number };
  }> {
    const db = this.db.db;
    if (!db) throw new Error('database not connected');
    const names = (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((name) => !NOT_OUTBOXES.has(name));
    let documents = 0;
    let drafts = 0;
    let jobs = 0;
    const byCollection: Record<string, number> = {};
    const jobsByCollection: Record<string, number> = {};
    const newer = { drafts: 0, jobs: 0 };
    const isNewer = (draft: unknown): boolean =>
      before !== undefined &&
      new Date((draft as { at?: Date | string }).at ?? 0).getTime() > before.getTime();
    for (const name of names) {
      const docs = await db
        .collection(name)
        .find({}, { projection: { pendingAudit: 1, pendingJobs: 1 } })
        .toArray();
      for (const doc of docs) {
        const outbox: unknown[] = Array.isArray(doc.pendingAudit) ? (doc.pendingAudit as unknown[]) : [];
        const fresh = outbox.filter(isNewer).length;
        const waitingJobs = Array.isArray(doc.pendingJobs) ? doc.pendingJobs.length : 0;
        const jobsInFlight = waitingJobs > 0 && outbox.length > 0 && fresh === outbox.length;
        if (jobsInFlight) newer.jobs += waitingJobs;
        else if (waitingJobs > 0) {
          jobs += waitingJobs;
          jobsByCollection[name] = (jobsByCollection[name] ?? 0) + waitingJobs;
        }
        newer.drafts += fresh;
        const pending = outbox.length - fresh;
        if (pending === 0) continue;
        documents += 1;
        drafts += pending;
        byCollection[name] = (byCollection[name] ?? 0) + pending;
      }
    }
    return { documents, drafts, byCollection, jobs, jobsByCollection, newer };
  }

  async auditEvents(): Promise<AuditRow[]> {
    const docs = await this.collection('audit_events')
      .find({}, { projection: { seq: 1, eventId: 1, action: 1, subject: 1, at: 1, data: 1 } })
      .toArray();
    return docs
      .map((doc) => {
        const subject = doc.subject as { id?: string } | null | undefined;
        const data = doc.data as { round?: unknown } | null | undefined;
        return {
          seq: Number(doc.seq),
          eventId: String(doc.eventId),
          action: String(doc.action),
          subjectId: subject?.id ?? null,
          at: String(doc.at),
          round: typeof data?.round === 'number' ? data.round : null,
        };
      })
      .sort((a, b) => a.seq - b.seq);
  }

  /** Status counts of a collection with a `status` field. */
  async statusCounts(collection: string): Promise<Partial<Record<string, number>>> {
    const docs = await this.collection(collection)
      .find({}, { projection: { status: 1 } })
      .toArray();
    const counts: Partial<Record<string, number>> = {};
    for (const doc of docs) counts[String(doc.status)] = (counts[String(doc.status)] ?? 0) + 1;
    return counts;
  }

  /** Message-IDs of ledger rows marked sent. */
  async sentMessageIds(): Promise<string[]> {
    const docs = await this.collection('mail_deliveries')
      .find({ status: 'sent' }, { projection: { messageId: 1 } })
      .toArray();
    return docs.map((doc) => String(doc.messageId));
  }

  async queueStates(): Promise<Record<QueueName, QueueState>> {
    const now = Date.now();
    const entries = await Promise.all(
      [...this.queues].map(async ([name, queue]) => {
        const counts = await queue.getJobCounts(
          'waiting',
          'active',
          'prioritized',
          'paused',
          'waiting-children',
          'delayed',
          'failed',
        );
        // BullMQ answers every asked state, zero when empty.
        const busy =
          counts.waiting + counts.active + counts.prioritized + counts.paused + counts['waiting-children'];
        let dueOrRetrying = counts.delayed;
        let timers = 0;
        if (name === 'clocks' && dueOrRetrying > 0) {
          const delayed = await queue.getDelayed();
          const due = delayed.filter(
            (job) => job.attemptsMade > 0 || job.timestamp + job.delay < now - OVERDUE_MS,
          );
          timers = delayed.length - due.length;
          dueOrRetrying = due.length;
        }
        return [name, { busy, dueOrRetrying, timers, failed: counts.failed }] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<QueueName, QueueState>;
  }

  /** Failed jobs of a queue with their last error, for the evidence. */
  async failedJobs(
    name: QueueName,
    limit = 5,
  ): Promise<Array<{ id: string; reason: string; attempts: number }>> {
    const queue = this.queues.get(name);
    if (!queue) return [];
    const jobs = await queue.getFailed(0, limit - 1);
    return jobs.map((job) => ({ id: job.id ?? '?', reason: job.failedReason, attempts: job.attemptsMade }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.redis.disconnect();
    await this.db.close();
  }
}
