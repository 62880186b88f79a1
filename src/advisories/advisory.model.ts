import { mongoose, type Connection, type Model } from '../platform/db/index.js';

const { Schema } = mongoose;
const Mixed = Schema.Types.Mixed;

/** Collection names; `advisories` carries the audit outbox. */
export const ADVISORY_COLLECTIONS = { advisories: 'advisories', sequences: 'advisory_sequences' } as const;

/**
 * Advisories with their whole revision history inside: revisions are appended, never rewritten, so
 * one document write covers an edit, its approval state and its audit event.
 */
const advisorySchema = new Schema(
  {
    ref: { type: String, required: true, unique: true },
    latestRevision: { type: Number, required: true },
    revisions: { type: [Mixed], default: [] },
    sends: { type: [Mixed], default: [] },
    createdAt: { type: Date, required: true },
    createdBy: { type: Mixed, required: true },
    updatedAt: { type: Date, required: true },
    pendingAudit: { type: [Mixed], default: [] },
  },
  { collection: ADVISORY_COLLECTIONS.advisories, versionKey: false, minimize: false },
);
advisorySchema.index({ updatedAt: -1 });

/** One counter per year for the tracking ids (`GOVCERT-HK-2026-0007`); a gap after a crash is harmless. */
const sequenceSchema = new Schema(
  { _id: { type: Number, required: true }, seq: { type: Number, required: true } },
  { collection: ADVISORY_COLLECTIONS.sequences, versionKey: false },
);

export interface AdvisoryModels {
  advisories: Model<Record<string, unknown>>;
  sequences: Model<{ _id: number; seq: number }>;
}

export function advisoryModels(db: Connection): AdvisoryModels {
  return {
    advisories:
      (db.models.Advisory as Model<Record<string, unknown>> | undefined) ??
      db.model<Record<string, unknown>>('Advisory', advisorySchema),
    sequences:
      (db.models.AdvisorySequence as Model<{ _id: number; seq: number }> | undefined) ??
      db.model<{ _id: number; seq: number }>('AdvisorySequence', sequenceSchema),
  };
}
