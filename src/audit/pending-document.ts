import type { AuditDraft } from './audit-draft.js';

/** A document of an audited collection with drafts or jobs waiting in its outboxes, exactly as read. */
export interface PendingDocument {
  collection: string;
  id: unknown;
  /** The drafts as stored: `$pullAll` removes them by exact value. */
  drafts: AuditDraft[];
  /** The job intents as stored (`pendingJobs`), likewise pulled by exact value once enqueued. */
  jobs: unknown[];
}

/** One key per document of any registered collection. */
export const documentKey = (document: { collection: string; id: unknown }): string =>
  `${document.collection}|${String(document.id)}`;

/** A stored job intent's identity (its job id), or its JSON when it has none. */
const jobKey = (job: unknown): string =>
  typeof job === 'object' && job !== null && typeof (job as { jobId?: unknown }).jobId === 'string'
    ? (job as { jobId: string }).jobId
    : JSON.stringify(job);

/** `known` with the drafts (by eventId) and jobs (by job id) of `more` it does not hold yet, in outbox order. */
export function mergeOutbox(known: PendingDocument, more: PendingDocument): PendingDocument {
  const seen = new Set(known.drafts.map((draft) => draft.eventId));
  const drafts: AuditDraft[] = [...known.drafts, ...more.drafts.filter((draft) => !seen.has(draft.eventId))];
  const seenJobs = new Set(known.jobs.map(jobKey));
  const jobs = [...known.jobs, ...more.jobs.filter((job) => !seenJobs.has(jobKey(job)))];
  return { ...known, drafts, jobs };
}

/** True when `known` already holds every draft and job of `document` (the same document). */
export function holdsAllOf(known: PendingDocument, document: PendingDocument): boolean {
  const merged = mergeOutbox(known, document);
  return merged.drafts.length === known.drafts.length && merged.jobs.length === known.jobs.length;
}
