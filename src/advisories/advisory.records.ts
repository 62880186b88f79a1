import type { AdvisoryContent } from './advisory.schemas.js';

/** Who did something to an advisory, as stored on it. */
export interface AdvisoryActorRef {
  userId: string;
  name: string;
  role: string;
}

/** One revision: a full copy of the content, who wrote it, and its approval. */
export interface StoredRevision {
  number: number;
  content: AdvisoryContent;
  note: string;
  createdAt: Date;
  createdBy: AdvisoryActorRef;
  approvedAt: Date | null;
  approvedBy: AdvisoryActorRef | null;
}

/** One send of an approved revision. */
export interface AdvisorySend {
  notificationId: string;
  revision: number;
  lists: string[];
  recipients: string[];
  at: Date;
  by: AdvisoryActorRef;
}

/** An advisory as the repository returns it (plain object). */
export interface AdvisoryRecord {
  id: string;
  /** Tracking id, `GOVCERT-HK-2026-0007`. */
  ref: string;
  latestRevision: number;
  revisions: StoredRevision[];
  sends: AdvisorySend[];
  createdAt: Date;
  createdBy: AdvisoryActorRef;
  updatedAt: Date;
}
