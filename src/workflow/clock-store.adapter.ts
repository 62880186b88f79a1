import { ALL_SCOPE } from '../auth/index.js';
import { clockWriteJobs, type ClockStore, type ClockWrite } from '../clocks/index.js';
import { isOpen } from './lifecycle.js';
import type { WorkflowWriter } from './workflow-writer.js';
import type { WorkflowIncident } from './workflow.types.js';

/**
 * The clocks' store is the workflow's incident: the clock service reads it (with a newer decision's
 * specs) and writes its clock fields, queued mails and audit events in one conditional update that
 * moves the clock sequence and never the responder's revision.
 */
export class WorkflowClockStore implements ClockStore<WorkflowIncident> {
  constructor(private readonly writer: WorkflowWriter) {}

  find(id: string): Promise<WorkflowIncident | null> {
    return this.writer.find(ALL_SCOPE, id);
  }

  isOpen(incident: WorkflowIncident): boolean {
    return isOpen(incident.status);
  }

  writeClocks(incident: WorkflowIncident, write: ClockWrite): Promise<WorkflowIncident | null> {
    return this.writer.repository.update(
      ALL_SCOPE,
      incident.id,
      { revision: incident.revision, clockSeq: incident.clockSeq },
      {
        set: write.set,
        push: { notificationOutbox: write.requests },
        guard: write.eventsAbsent.length > 0 ? { eventsAbsent: write.eventsAbsent } : undefined,
        bump: { revision: false, clockSeq: true },
        audit: write.audit,
        jobs: clockWriteJobs(incident.id, incident, write.timers, write.requests.length > 0),
      },
    );
  }

  after(written: WorkflowIncident): Promise<void> {
    return this.writer.after(written);
  }

  flushOutbox(incident: WorkflowIncident): Promise<void> {
    return this.writer.flushOutbox(incident);
  }

  reindex(incident: WorkflowIncident): Promise<void> {
    return this.writer.index.put(incident);
  }

  withClocks(batch: number): AsyncGenerator<WorkflowIncident[]> {
    return this.writer.repository.withClocks(batch);
  }
}
