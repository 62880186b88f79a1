import { mongoose, type Connection } from '../platform/db/index.js';

const { Schema } = mongoose;
const Mixed = Schema.Types.Mixed;

/**
 * `triage_decisions`: one insert-only record per decision stored on an incident, with everything the
 * incident's short summary leaves out (the reasons above all). `_id` is `<incident>-r<round>-<input>`,
 * so a triage run repeated after a crash inserts nothing new.
 */
const decisionRecordSchema = new Schema(
  {
    _id: { type: String, required: true },
    incidentId: { type: String, required: true },
    bureauId: { type: String, required: true },
    round: { type: Number, required: true },
    policyVersion: { type: String, required: true },
    inputHash: { type: String, required: true },
    decidedAt: { type: Date, required: true },
    severity: { type: String, default: null },
    categoryClass: { type: String, default: null },
    reportable: { type: Boolean, required: true },
    queue: { type: String, required: true },
    regimes: { type: [String], default: [] },
    reasons: { type: [Mixed], default: [] },
    escalation: { type: [Mixed], default: [] },
    clocks: { type: [Mixed], default: [] },
    notifications: { type: [Mixed], default: [] },
    owed: { type: [Mixed], default: [] },
  },
  { collection: 'triage_decisions', versionKey: false, minimize: false },
);
decisionRecordSchema.index({ incidentId: 1 });

/** Builds the model on a connection of its own (tests hold several). */
export const decisionRecordModel = (db: Connection) => db.model('TriageDecision', decisionRecordSchema);
