import { ALL_SCOPE } from '../auth/index.js';
import type { ClockStore, NotificationRequests } from '../clocks/index.js';
import { listedOf, type IncidentListIndex } from '../incidents/index.js';
import type { Logger } from '../platform/index.js';
import { isOpen } from './lifecycle.js';
import type { QueueIndex } from './queue-index.js';
import type { WorkflowIncidents } from './workflow-incidents.js';
import type { StoredWorkflowIncident, WorkflowIncident } from './workflow.types.js';

/**
 * The incidents the clocks follow are the workflow's: the clock service reads their facts here, and
 * after each clock write the incident takes the record's earliest due time for the queues' sort (a
 * write that never moves the revision) and its rows in the Redis indexes are filed again.
 */
export class WorkflowClockStore implements ClockStore<StoredWorkflowIncident> {
  constructor(
    private readonly repository: WorkflowIncidents,
    private readonly notifications: NotificationRequests,
    private readonly logger: Logger,
    private readonly index: QueueIndex,
    /** The incident list's index (intake's): a clock write moves the row's version there too. */
    private readonly listIndex?: Pick<IncidentListIndex, 'put'>,
  ) {}

  find(id: string): Promise<StoredWorkflowIncident | null> {
    return this.repository.findById(ALL_SCOPE, id);
  }

  findMany(ids: readonly string[]): Promise<StoredWorkflowIncident[]> {
    return this.repository.findMany(ids);
  }

  isOpen(incident: StoredWorkflowIncident): boolean {
    return isOpen(incident.status);
  }

  async settled(incident: WorkflowIncident): Promise<void> {
    const record = incident.clockRecord;
    const time = (date: Date | null) => (date === null ? null : new Date(date).getTime());
    // Only a newer record's time, and only when it differs from what the incident carried as read: the
    // sequence condition keeps an older projection from replacing a newer one; one that raced past
    // this read is put right by the clock reconciler's pass.
    if (record.seq > incident.urgency.seq && time(record.nextDueAt) !== time(incident.urgency.dueAt))
      await this.repository.projectUrgency(incident.id, record.seq, record.nextDueAt);
    await this.after(incident);
  }

  /**
   * Re-files the incident's rows in the Redis indexes (the queues', the incident list's): projections
   * of the store, which their reconcilers rebuild when this fails.
   */
  async after(incident: WorkflowIncident): Promise<void> {
    try {
      await this.index.put(incident);
      await this.listIndex?.put(listedOf(incident));
    } catch (err) {
      this.logger.warn(
        { incidentId: incident.id, err: (err as Error).message },
        'follow-up of a workflow write deferred',
      );
    }
  }

  async flushOutbox(incident: StoredWorkflowIncident): Promise<void> {
    const entries = incident.notificationOutbox;
    if (entries.length === 0) return;
    for (const entry of entries) {
      await this.notifications.request({ ...entry, incidentId: incident.id });
    }
    await this.repository.clearOutbox(incident.id, entries);
  }
}
