import type { mongo } from 'mongoose';
import type { WorkflowIncident } from './workflow.types.js';

/** One row of a queue listing: what the list shows, without the report's content. */
export interface QueueRow {
  id: string;
  ref: string;
  bureauId: string;
  status: string;
  severity: string | null;
  queue: string;
  reportedAt: Date;
  nextDueAt: Date | null;
  assignee: WorkflowIncident['assignee'];
}

export const ROW_PROJECTION: Record<string, 0 | 1> = {
  ref: 1,
  bureauId: 1,
  status: 1,
  severity: 1,
  'triage.queue': 1,
  reportedAt: 1,
  nextDueAt: 1,
  assignee: 1,
};

export function toRow(doc: mongo.Document): QueueRow {
  return {
    id: String(doc._id),
    ref: doc.ref as string,
    bureauId: doc.bureauId as string,
    status: doc.status as string,
    severity: (doc.severity as string | null) ?? null,
    queue: (doc.triage as { queue?: string } | null)?.queue ?? '',
    reportedAt: doc.reportedAt as Date,
    nextDueAt: (doc.nextDueAt as Date | null | undefined) ?? null,
    assignee: (doc.assignee as QueueRow['assignee'] | undefined) ?? null,
  };
}
