import { storedOutbox, type AuditDraft } from '../audit/index.js';
import { updateIf, isDuplicateKeyError, duplicateKeyIndexes } from '../platform/db/index.js';
import { idForKey } from './key-id.js';
import type { NotificationModels } from './notification.model.js';
import type { DeliveryStatus, MailDelivery } from './notification.types.js';

/** A new ledger row, before any attempt. */
export type NewDelivery = Omit<
  MailDelivery,
  'status' | 'attempts' | 'lastError' | 'response' | 'sentAt' | 'leaseUntil' | 'updatedAt'
>;

/** How a finished attempt ends. */
export interface AttemptOutcome {
  status: Extract<DeliveryStatus, 'sent' | 'deferred' | 'failed'>;
  response?: string | null;
  lastError?: string | null;
}

function toDelivery(doc: Record<string, unknown>): MailDelivery {
  const { _id: _id, pendingAudit: _audit, createdAt: _created, ...rest } = doc;
  return { leaseUntil: null, ...rest } as unknown as MailDelivery;
}

/**
 * The delivery ledger (`mail_deliveries`). Claims and outcomes are conditional single-document updates
 * that carry their audit events, so every attempt is on the trail even if the process dies mid-send.
 * Rows are found by an `_id` derived from their key, and every update holds the row's document lock
 * and reads and writes by `_id` alone: a compare-and-set that is atomic and indexed on FerretDB v1 too.
 */
export class MailDeliveryRepository {
  constructor(
    private readonly models: NotificationModels,
    /** Told of each write that carries an audit draft, so the relay can chain it promptly. */
    /** Told of each write with its outbox as stored (the audit relay's `kick`). */
    private readonly audited: (collection: string, id: unknown, pendingAudit: unknown[]) => void = () =>
      undefined,
  ) {}

  private get collectionName(): string {
    return this.models.deliveries.collection.collectionName;
  }

  async init(): Promise<void> {
    await this.models.deliveries.createIndexes();
  }

  /**
   * Creates the rows that do not exist yet (status `queued`); existing rows are left as they are. The
   * stored ones are looked up first (one `_id $in` read), and only the missing ones are inserted, in one
   * command: every delivery run ensures its rows again, and an insert refused as a duplicate still
   * waited for the collection's write turn on FerretDB (half the ledger's inserts in a chaos run).
   */
  async ensure(rows: readonly NewDelivery[]): Promise<void> {
    if (rows.length === 0) return;
    const ids = rows.map((row) => idForKey(row.key));
    const stored = await this.models.deliveries.collection
      .find({ _id: { $in: ids } }, { projection: { _id: 1 } })
      .toArray();
    const known = new Set(stored.map((doc) => String(doc._id)));
    const now = new Date();
    const missing = rows
      .filter((row) => !known.has(String(idForKey(row.key))))
      .map((row) => ({
        ...row,
        _id: idForKey(row.key),
        status: 'queued',
        attempts: 0,
        lastError: null,
        response: null,
        sentAt: null,
        leaseUntil: null,
        createdAt: now,
        updatedAt: now,
        pendingAudit: [],
      }));
    if (missing.length === 0) return;
    try {
      await this.models.deliveries.insertMany(missing, { ordered: false });
    } catch (err) {
      // Another run inserted some of them meanwhile: those stand as they are, the rest went in.
      if (!isDuplicateKeyError(err) && duplicateKeyIndexes(err) === null) throw err;
    }
  }

  async find(key: string): Promise<MailDelivery | null> {
    const doc = await this.models.deliveries.findOne({ _id: idForKey(key) }).lean();
    return doc ? toDelivery(doc) : null;
  }

  /**
   * Claims the row for one attempt by `notificationId` until `now + leaseMs`: allowed when it is queued
   * or deferred, or `sending` under a lease that ran out (its sender died or lost it). A row `sending`
   * under a live lease is never taken, not even by the same notification: a job re-run while its first
   * run is only paused (SIGSTOP past the job lock) must not send a second copy. The update is one
   * compare-and-set, so two claimers cannot both win; the lease compares clocks of different
   * processes, which must agree to well within the sender's margin (see `delivery-lease.ts`).
   * Returns the claimed row (attempts already counted), or null when it is not ours to send.
   */
  async claim(
    key: string,
    notificationId: string,
    leaseMs: number,
    draft: AuditDraft,
  ): Promise<MailDelivery | null> {
    const now = new Date();
    const claimable = {
      $or: [{ status: { $in: ['queued', 'deferred'] } }, { status: 'sending', leaseUntil: { $lt: now } }],
    };
    const claimed = await updateIf(this.models.deliveries.collection, idForKey(key), claimable, {
      $set: {
        status: 'sending',
        notificationId,
        leaseUntil: new Date(now.getTime() + leaseMs),
        updatedAt: now,
      },
      $inc: { attempts: 1 },
      $push: { pendingAudit: draft },
    });
    if (!claimed) return null;
    this.audited(this.collectionName, idForKey(key), storedOutbox(claimed));
    return toDelivery(claimed);
  }

  /**
   * Records how the attempt `attempts` ended: conditional on the row still being `sending` under that
   * attempt, so it is ignored (false) once someone else claimed the row, and a repeated call after a
   * lost reply does not apply twice. It does not check the lease: an outcome that arrives late but
   * before anyone re-claimed is still the truth about that attempt.
   */
  async finish(key: string, attempts: number, outcome: AttemptOutcome, draft: AuditDraft): Promise<boolean> {
    const now = new Date();
    const set: Record<string, unknown> = {
      status: outcome.status,
      leaseUntil: null,
      updatedAt: now,
      lastError: outcome.lastError ?? null,
    };
    if (outcome.response !== undefined) set.response = outcome.response;
    if (outcome.status === 'sent') set.sentAt = now;
    const done = await updateIf(
      this.models.deliveries.collection,
      idForKey(key),
      { status: 'sending', attempts },
      { $set: set, $push: { pendingAudit: draft } },
    );
    if (done) this.audited(this.collectionName, idForKey(key), storedOutbox(done));
    return done !== null;
  }

  /** Every row of a subject (an advisory's deliveries, all revisions), oldest first. */
  async listBySubject(subjectId: string): Promise<MailDelivery[]> {
    const docs = await this.models.deliveries.find({ subjectId }).sort({ createdAt: 1 }).lean();
    return docs.map(toDelivery);
  }

  /** Point lookups in parallel: a `key: { $in }` query reads the whole ledger on FerretDB v1. */
  async listByKeys(keys: readonly string[]): Promise<MailDelivery[]> {
    const rows = await Promise.all([...new Set(keys)].map((key) => this.find(key)));
    return rows.filter((row): row is MailDelivery => row !== null);
  }
}
