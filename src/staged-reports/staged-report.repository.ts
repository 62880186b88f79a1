import type { AuditDraft } from '../audit/index.js';
import { updateIf, isDuplicateKeyError, mongoose, trusted, type Connection } from '../platform/db/index.js';
import {
  STAGED_REPORTS_COLLECTION,
  stagedReportModel,
  type StagedReportModel,
} from './staged-report.model.js';
import type {
  ReviewState,
  StagedReport,
  StagedReportMailEvent,
  StagedReportReview,
} from './staged-report.types.js';

const isObjectId = (id: string): boolean => /^[a-f0-9]{24}$/.test(id);
const HIDDEN = { pendingAudit: 0, mailPending: 0 } as const;
/** More versions than any incident will have; a bound, so one read stays small. */
const MAX_PER_INCIDENT = 1000;

function toReport(doc: Record<string, unknown>): StagedReport {
  const { _id, pendingAudit: _audit, mailPending: _mail, ...rest } = doc;
  return { id: String(_id), ...rest } as unknown as StagedReport;
}

/** Called after a write with what it queued for the audit relay (its `kick`). */
export type AuditKick = (collection: string, id: unknown, pendingAudit: unknown[]) => void;

/**
 * The staged reports collection, owned by this module alone. A version is inserted with its audit
 * event; a review is a compare-and-set on the version's state carrying its event, so two reviewers
 * cannot both decide (the store applies it atomically; start-up refuses one that does not).
 */
export class StagedReportRepository {
  private readonly model: StagedReportModel;

  constructor(
    db: Connection,
    private readonly kick: AuditKick,
  ) {
    this.model = stagedReportModel(db);
  }

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  get collectionName(): string {
    return STAGED_REPORTS_COLLECTION;
  }

  /**
   * Inserts a version with its event; null when that version of that occurrence exists already (another
   * submission got there first).
   */
  async insert(
    report: Omit<StagedReport, 'id'>,
    draft: (id: string) => AuditDraft,
  ): Promise<StagedReport | null> {
    const id = new mongoose.Types.ObjectId();
    const pendingAudit = [draft(id.toHexString())];
    try {
      await this.model.create({ ...report, _id: id, pendingAudit, mailPending: ['submitted'] });
    } catch (err) {
      if (isDuplicateKeyError(err)) return null;
      throw err;
    }
    this.kick(this.collectionName, id, pendingAudit);
    return { ...report, id: id.toHexString() };
  }

  /** Every version sent for one incident, oldest first. */
  async forIncident(incidentId: string): Promise<StagedReport[]> {
    const docs = await this.model
      .find({ incidentId }, HIDDEN)
      .sort({ submittedAt: 1 })
      .limit(MAX_PER_INCIDENT)
      .lean();
    return docs.map(toReport);
  }

  async findById(id: string): Promise<StagedReport | null> {
    if (!isObjectId(id)) return null;
    const doc = await this.model.findOne({ _id: id }, HIDDEN).lean();
    return doc ? toReport(doc) : null;
  }

  /**
   * Sets the review of version `id` if it is still in one of `from`, with its event; null when it
   * moved on (another reviewer decided first).
   */
  async review(
    id: string,
    from: readonly ReviewState[],
    review: StagedReportReview,
    draft: AuditDraft,
  ): Promise<StagedReport | null> {
    const _id = new mongoose.Types.ObjectId(id);
    const doc = await updateIf(
      this.model.collection,
      _id,
      { state: { $in: [...from] } },
      {
        $set: { state: review.state, review },
        // A decision the bureau must hear of owes its mail from the same write.
        $push: {
          pendingAudit: draft,
          ...(review.state === 'under_review' ? {} : { mailPending: review.state }),
        },
      },
    );
    if (!doc) return null;
    this.kick(this.collectionName, _id, (doc.pendingAudit as unknown[] | undefined) ?? [draft]);
    return toReport(doc);
  }

  /** Clears exactly `event` from the version's mail outbox once its mail is requested (or never can be). */
  async mailRequested(id: string, event: StagedReportMailEvent): Promise<void> {
    await this.model.updateOne({ _id: id }, trusted({ $pullAll: { mailPending: [event] } }));
  }

  /**
   * Versions that still owe a mail for an event older than `before` (its writer died, or the store
   * refused the request), with the events owed. A small collection: one scan per sweep.
   */
  async mailOwed(
    before: Date,
    limit: number,
  ): Promise<Array<{ report: StagedReport; events: StagedReportMailEvent[] }>> {
    const docs = await this.model
      .find({ 'mailPending.0': trusted({ $exists: true }) }, { pendingAudit: 0 })
      .limit(limit)
      .lean();
    return docs.flatMap((doc) => {
      const report = toReport(doc);
      const pending = (doc.mailPending as StagedReportMailEvent[] | undefined) ?? [];
      const events = pending.filter((event) => {
        const at = event === 'submitted' ? report.submittedAt : report.review?.at;
        return at !== undefined && new Date(at) < before;
      });
      return events.length > 0 ? [{ report, events }] : [];
    });
  }
}
