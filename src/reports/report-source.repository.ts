import type { mongo } from 'mongoose';
import type { Scope } from '../platform/index.js';
import { mongoose, type Connection } from '../platform/db/index.js';
import { CLOCK_RECORDS_COLLECTION } from '../clocks/index.js';
import { toReportIncident, type ReportIncident } from './report-incident.js';
import type { ReportFilter } from './report.types.js';

type Doc = mongo.Document;

/** Large batches: a report reads every matching document once, front to back. */
const BATCH_SIZE = 2000;

/** Incidents whose clock records are read at once (one `_id $in` read). */
const CLOCK_BATCH = 500;

/** Fields a report never needs: the outbox, follow-ups, indicators and free text stay in the database. */
const INCIDENT_PROJECTION = { pendingAudit: 0, indicators: 0, 'facts.description': 0 } as const;

/**
 * Read-only cursors over what reports cover: incidents (the stored shape agreed with intake, the
 * workflow engine and the clocks), advisories and mail deliveries. A collection that does not exist yet reads as
 * empty, so a report section of a module not deployed is empty rather than an error. Uses the native
 * driver: every filter here is built from validated values, and nothing is ever written.
 */
export class ReportSourceRepository {
  constructor(private readonly db: Connection) {}

  private collection(name: string): mongo.Collection {
    if (!this.db.db) throw new Error('database connection not open');
    return this.db.db.collection(name);
  }

  private incidentFilter(scope: Scope, filter: ReportFilter): Doc {
    const query: Doc = {};
    if (filter.incidentId) {
      if (!/^[a-f0-9]{24}$/.test(filter.incidentId)) return { _id: null };
      query._id = new mongoose.Types.ObjectId(filter.incidentId);
    }
    if (filter.bureauId) query.bureauId = filter.bureauId;
    if (filter.severity) query.severity = filter.severity;
    if (filter.status) query.status = filter.status;
    if (filter.category) query['facts.category'] = filter.category;
    if (filter.regime) query['triage.regimes'] = filter.regime;
    if (filter.from || filter.to) {
      query.reportedAt = {
        ...(filter.from ? { $gte: filter.from } : {}),
        ...(filter.to ? { $lt: filter.to } : {}),
      };
    }
    // The scope last, so no filter value can widen it.
    if (scope.kind === 'bureau') query.bureauId = scope.bureauId;
    return query;
  }

  /**
   * Matching incidents in filing order, streamed, each with its clocks (their own records, read by
   * `_id` for a batch at a time); the cursor is closed however the loop ends.
   */
  async *incidents(scope: Scope, filter: ReportFilter): AsyncGenerator<ReportIncident> {
    const cursor = this.collection('incidents')
      .find(this.incidentFilter(scope, filter), { projection: INCIDENT_PROJECTION })
      .batchSize(BATCH_SIZE);
    try {
      let batch: Doc[] = [];
      for await (const doc of cursor) {
        batch.push(doc);
        if (batch.length < CLOCK_BATCH) continue;
        yield* await this.withClocks(batch);
        batch = [];
      }
      if (batch.length > 0) yield* await this.withClocks(batch);
    } finally {
      await cursor.close();
    }
  }

  /** The incidents of a batch with the clocks of their records (an incident without one has none). */
  private async withClocks(docs: Doc[]): Promise<ReportIncident[]> {
    const records = await this.collection(CLOCK_RECORDS_COLLECTION)
      .find(
        { _id: { $in: docs.map((doc) => doc._id as mongo.BSON.ObjectId) } },
        { projection: { clocks: 1 } },
      )
      .toArray();
    const clocks = new Map(records.map((record) => [String(record._id), record.clocks as unknown]));
    return docs.map((doc) => toReportIncident({ ...doc, clocks: clocks.get(String(doc._id)) ?? [] }));
  }

  countIncidents(scope: Scope, filter: ReportFilter): Promise<number> {
    return this.collection('incidents').countDocuments(this.incidentFilter(scope, filter));
  }

  /** Advisories sent in the period (by `sentAt`, falling back to creation), any status but draft. */
  async *advisories(filter: ReportFilter): AsyncGenerator<Doc> {
    const cursor = this.collection('advisories').find({}).batchSize(BATCH_SIZE);
    try {
      for await (const doc of cursor) {
        const at = (doc.sentAt ?? doc.createdAt) as Date | string | undefined;
        const time = at ? new Date(at).getTime() : Number.NaN;
        if (filter.from && !(time >= filter.from.getTime())) continue;
        if (filter.to && !(time < filter.to.getTime())) continue;
        yield doc;
      }
    } finally {
      await cursor.close();
    }
  }

  /** Delivery ledger rows of one advisory (by its id or tracking id), sent by the notification module. */
  async deliveriesOf(advisory: Doc): Promise<Doc[]> {
    const ids = [advisory._id, advisory.id, advisory.trackingId].filter((id) => id != null).map(String);
    return this.collection('mail_deliveries')
      .find({ subjectId: { $in: ids } })
      .toArray();
  }
}
