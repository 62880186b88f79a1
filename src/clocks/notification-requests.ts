import { createHash } from 'node:crypto';
import type { mongo } from 'mongoose';
import { isDuplicateKeyError, mongoose, type Connection } from '../platform/db/index.js';
import type { QueueRegistry } from '../platform/queue/index.js';

/** A notification the clocks or the workflow ask for; the notifications module renders and sends it. */
export interface NotificationRequestInput {
  notificationId: string;
  kind: string;
  incidentId: string;
  template: string;
  /** Role or tier names (`cert-lead`, `duty-officer`, `reporting-bureau`), resolved by the sender. */
  recipients: string[];
  /** Ids and small values only: the sender reloads the incident. */
  data: Record<string, unknown>;
  createdAt: Date;
}

/**
 * The port the notifications module implements. Until it does, {@link StoredNotificationRequests}
 * writes the agreed record (`notifications` collection, `status: 'pending'`) and queues its id.
 * Must be idempotent by `notificationId`: the clock worker may ask twice after a crash.
 */
export interface NotificationRequests {
  request(input: NotificationRequestInput): Promise<void>;
}

/** A deterministic ObjectId for a notification caused by `cause` on `incidentId` (retries match). */
export function notificationIdFor(incidentId: string, cause: string): string {
  return createHash('sha256').update(`${incidentId}|${cause}`).digest('hex').slice(0, 24);
}

/** Inserts the record (a duplicate id means it is already there) and queues `notifications`. */
export class StoredNotificationRequests implements NotificationRequests {
  constructor(
    private readonly db: Connection,
    private readonly queues: QueueRegistry,
  ) {}

  private get collection(): mongo.Collection {
    if (!this.db.db) throw new Error('database connection not open');
    return this.db.db.collection('notifications');
  }

  async request(input: NotificationRequestInput): Promise<void> {
    const { notificationId, ...fields } = input;
    try {
      await this.collection.insertOne({
        _id: new mongoose.Types.ObjectId(notificationId),
        ...fields,
        status: 'pending',
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    await this.queues.add('notifications', { notificationId }, { jobId: notificationId });
  }
}
