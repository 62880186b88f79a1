import type { Connection } from '../platform/db/index.js';
import type { IncidentNotification } from '../incidents/index.js';

/** An incident with at least one notification still `pending`, as much as the dispatcher needs. */
export interface PendingIncident {
  id: string;
  bureauId: string;
  notifications: Array<
    Pick<IncidentNotification, 'key' | 'to' | 'template' | 'tlp' | 'clock'> & { status: string }
  >;
}

/**
 * Read-only view of the incidents collection: which incidents have notifications waiting. The
 * incidents module owns the collection and every write to it (through its repository's
 * `applyChange`); this query lives here only because that repository has no such finder yet.
 */
export class IncidentNotificationRepository {
  constructor(
    private readonly db: Connection,
    private readonly collectionName: string,
  ) {}

  async findPending(limit: number): Promise<PendingIncident[]> {
    if (!this.db.db) throw new Error('database connection not open');
    const docs = await this.db.db
      .collection(this.collectionName)
      .find({ 'notifications.status': 'pending' }, { projection: { _id: 1, bureauId: 1, notifications: 1 } })
      .limit(limit)
      .toArray();
    return docs.map((doc) => ({
      id: String(doc._id),
      bureauId: String(doc.bureauId),
      notifications: (doc.notifications as PendingIncident['notifications'] | undefined) ?? [],
    }));
  }
}
