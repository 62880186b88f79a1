import { mongoose, type Connection, type Model } from '../platform/db/index.js';

const { Schema } = mongoose;
const Mixed = Schema.Types.Mixed;

/** The staged reports collection; it carries the audit outbox (`pendingAudit`). */
export const STAGED_REPORTS_COLLECTION = 'staged_reports';

/**
 * One document per version of a report: inserted whole (with its `staged_report.submitted` event),
 * then only its review fields change, each change with its own event in the same update. The unique
 * index makes two submissions of the same version for the same occurrence impossible.
 */
const stagedReportSchema = new Schema(
  {
    incidentId: { type: String, required: true },
    incidentRef: { type: String, required: true },
    bureauId: { type: String, required: true },
    obligation: { type: String, required: true },
    name: { type: String, required: true },
    nameZh: { type: String },
    kind: { type: String, required: true },
    occurrence: { type: Number, required: true },
    version: { type: Number, required: true },
    whatHappened: { type: String, required: true },
    impact: { type: String, required: true },
    actionsTaken: { type: String, required: true },
    nextSteps: { type: String, default: null },
    rootCause: { type: String, default: null },
    lessonsLearnt: { type: String, default: null },
    reportedAt: { type: Date, default: null },
    reference: { type: String, default: null },
    submittedAt: { type: Date, required: true },
    submittedBy: { type: Mixed, required: true },
    clock: { type: Mixed, required: true },
    state: { type: String, required: true },
    review: { type: Mixed, default: null },
    pendingAudit: { type: [Mixed], default: [] },
    /**
     * The mails this version still owes the other side (an outbox beside the audit outbox): set in the
     * write that records the event, cleared once the mail is requested.
     */
    mailPending: { type: [String], default: [] },
  },
  { collection: STAGED_REPORTS_COLLECTION, versionKey: false, minimize: false },
);
stagedReportSchema.index({ incidentId: 1, obligation: 1, occurrence: 1, version: 1 }, { unique: true });

export type StagedReportModel = Model<Record<string, unknown>>;

export function stagedReportModel(db: Connection): StagedReportModel {
  return (
    (db.models.StagedReport as StagedReportModel | undefined) ??
    db.model<Record<string, unknown>>('StagedReport', stagedReportSchema)
  );
}
