import { mongoose, type Connection } from '../platform/db/index.js';

const { Schema } = mongoose;

/** The incidents collection's name (the workflow reads and writes it through its own repository). */
export const INCIDENTS_COLLECTION = 'incidents';
const Mixed = Schema.Types.Mixed;

/**
 * The incidents collection. Nested report content is stored as given (validated by zod before it gets
 * here); top-level fields are the ones queried, indexed or updated on their own.
 */
const incidentSchema = new Schema(
  {
    ref: { type: String, required: true },
    year: { type: Number, required: true },
    seq: { type: Number, required: true },
    /** `<bureau>/<year>`: the sequence `seq` is drawn from (absent on incidents numbered before). */
    series: { type: String },
    bureauId: { type: String, required: true },
    status: { type: String, required: true },
    severity: { type: String, default: null },
    /** TLP 2.0 and PAP of the incident (absent on incidents stored before: read as the defaults). */
    tlp: { type: String },
    pap: { type: String },
    facts: { type: Mixed, required: true },
    indicators: { type: [Mixed], default: [] },
    externalNotified: { type: [Mixed], default: [] },
    updateCount: { type: Number, default: 0 },
    reportedBy: { type: Mixed, required: true },
    reportedAt: { type: Date, required: true },
    triage: { type: Mixed, default: null },
    triagedAt: { type: Date, default: null },
    triageRound: { type: Number, default: 0 },
    triagePending: { type: Boolean, default: true },
    campaign: { type: Mixed, default: null },
    revision: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    pendingAudit: { type: [Mixed], default: [] },
  },
  { collection: INCIDENTS_COLLECTION, versionKey: false, minimize: false },
);
// The reference is gapless per bureau and year because the insert with (series, year, seq+1) is the
// commit: this index arbitrates. Incidents stored before have no series and keep their (year, seq).
incidentSchema.index({ series: 1, year: 1, seq: 1 }, { unique: true });
incidentSchema.index({ bureauId: 1, _id: -1 });
incidentSchema.index({ triagePending: 1 });
incidentSchema.index({ status: 1 });

/** Indicator index: one row per (indicator, incident), so matching is an indexed scalar lookup. */
const sightingSchema = new Schema(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    incidentId: { type: String, required: true },
    bureauId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'indicator_sightings', versionKey: false },
);
sightingSchema.index({ key: 1 });

/**
 * Which bureaux have reported each indicator (`_id` is the indicator key). Most indicators are only
 * ever seen by one bureau: this small document, read by `_id`, answers "anyone else?" without
 * querying the sightings (a query FerretDB v1 answers by reading all of them).
 */
const indicatorBureauxSchema = new Schema(
  {
    _id: { type: String, required: true },
    bureaux: { type: [String], default: [] },
  },
  { collection: 'indicator_bureaux', versionKey: false },
);

/** Idempotency keys of create requests: the pre-generated incident id and the hash of the body. */
const idempotencySchema = new Schema(
  {
    _id: { type: String, required: true },
    bodyHash: { type: String, required: true },
    incidentId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false },
);

/** Builds the intake models on a connection of its own (tests hold several). */
export function incidentModels(db: Connection) {
  return {
    Incident: db.model('Incident', incidentSchema),
    Sighting: db.model('IndicatorSighting', sightingSchema),
    IndicatorBureaux: db.model('IndicatorBureaux', indicatorBureauxSchema),
    IdempotencyKey: db.model('IdempotencyKey', idempotencySchema),
  };
}
export type IncidentModels = ReturnType<typeof incidentModels>;
