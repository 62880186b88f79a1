import {
  type JobIntent,
  type Scope,
  type Logger,
  DEFAULT_INCIDENT_PAP,
  DEFAULT_INCIDENT_TLP,
} from '../platform/index.js';
import { LRUCache } from 'lru-cache';
import type { AuditDraft } from '../audit/index.js';
import { GroupRead, inBatches, mongoose, trusted, updateIf, type Connection } from '../platform/db/index.js';
import { listedOf, type IncidentListIndex, type ListedIncident } from './incident-list.index.js';
import { incidentModels, type IncidentModels } from './incident.model.js';
import { IncidentSequence, seriesKey, type IncidentSeries } from './incident-sequence.repository.js';
import type { ClockSpec, DecisionReason } from '../triage/index.js';
import type {
  CampaignLink,
  Incident,
  IncidentNotification,
  IncidentStatus,
  IncidentTriage,
  IncidentUpdate,
} from './incident.types.js';

/** Filters of the incident list; every one optional and ANDed with the caller's scope. */
export interface IncidentFilter {
  status?: IncidentStatus;
  severity?: string;
  category?: string;
  bureauId?: string;
  reportedFrom?: Date;
  reportedTo?: Date;
  /** Only incidents whose id sorts before this one (cursor pagination, newest first). */
  before?: string;
}

/** An incident as one write stored it, with the audit drafts then waiting in its outbox. */
export interface IncidentWrite {
  collection: string;
  id: unknown;
  incident: Incident;
  pendingAudit: unknown[];
  /** The jobs waiting in its `pendingJobs` outbox (the relay enqueues them). */
  pendingJobs: unknown[];
}

export type IncidentWriteListener = (written: IncidentWrite) => void;

/** Optional parts of the repository (tools that only read build it without them). */
export interface IncidentRepositoryOptions {
  /** The list's index in Redis: filed after every write here, read by {@link IncidentRepository.list}. */
  listIndex?: IncidentListIndex;
  /** Says when the index could not be filed or read (the reconciler repairs, the scan answers). */
  logger?: Logger;
}

/** A single-document change: `$set` fields, pushes, and always the audit events of the change. */
/** An incident as the version before decision records stored it (the fields the migration reads). */
export interface StoredBeforeDecisionRecords {
  id: string;
  bureauId: string;
  /** The decision with its reasons (`decisionId` absent), or null before triage. */
  triage: (Omit<IncidentTriage, 'decisionId'> & { reasons?: DecisionReason[]; decisionId?: string }) | null;
  /** The clocks, or a re-triage's bare specs waiting to be merged with `clockLedger`. */
  clocks: Array<ClockSpec & { state?: string }>;
  clockLedger: unknown[];
  /** The notifications the incident owed, as that version kept them on the incident. */
  notifications: IncidentNotification[];
  /** As stored (absent: undefined), so the conversion's condition matches the document read. */
  revision: unknown;
  clockSeq: unknown;
}

/** An incident with the notifications it owes on it, as versions before the records held them. */
export interface StoredWithNotifications {
  id: string;
  /** The decision in force, when it is named (null: not triaged, or stored before decision records). */
  decisionId: string | null;
  triaged: boolean;
  notifications: IncidentNotification[];
}

/** An incident with the follow-up list the versions before stored on it. */
export interface StoredWithUpdateList {
  id: string;
  bureauId: string;
  updates: IncidentUpdate[];
}

export interface IncidentChange {
  set?: Record<string, unknown>;
  push?: Record<string, unknown[]>;
  inc?: Record<string, number>;
  audit: AuditDraft[];
  /** The jobs the change causes, recorded in the same write (the relay enqueues them). */
  jobs?: JobIntent[];
}

const isObjectId = (id: string): boolean => /^[a-f0-9]{24}$/.test(id);
const LEGACY_SEQUENCE_INDEX = 'year_1_seq_1';

/** The filter that holds while the stored campaign link is still `current`. */
function campaignGuard(current: CampaignLink | null): Record<string, unknown> {
  if (current === null) return { campaign: null };
  if (current.version === undefined)
    return { campaign: { $ne: null }, 'campaign.version': { $exists: false } };
  return { 'campaign.version': current.version };
}

/** Plain incident from a lean document: the id as a string, nothing mongoose-specific left. */
function toIncident(doc: Record<string, unknown>): Incident {
  const { _id, pendingAudit: _outbox, pendingJobs: _jobs, ...rest } = doc;
  // Incidents stored before the markings existed read as the defaults (see DEFAULT_INCIDENT_TLP).
  return {
    tlp: DEFAULT_INCIDENT_TLP,
    pap: DEFAULT_INCIDENT_PAP,
    updateCount: 0,
    ...rest,
    id: String(_id),
  } as unknown as Incident;
}

/**
 * The incidents collection. Every read takes the caller's {@link Scope} first and adds the bureau
 * filter itself: a reporter's query cannot reach another bureau's incident, counts included.
 */
export class IncidentRepository {
  private readonly models: IncidentModels;
  private readonly sequence: IncidentSequence;
  /**
   * Reads of one incident whatever its bureau, grouped: the triage jobs running at once (and any
   * CERT-wide read meanwhile) share a `_id $in` read instead of one command each.
   */
  private readonly anyBureau = new GroupRead<Incident>(async (ids) => {
    const docs = await this.models.Incident.find(
      { _id: trusted({ $in: ids.map((id) => new mongoose.Types.ObjectId(id)) }) },
      { pendingAudit: 0, pendingJobs: 0 },
    ).lean();
    return new Map(docs.map((doc) => [String(doc._id), toIncident(doc)]));
  });

  /**
   * Incidents this process inserted lately, as the store holds them (a BSON round trip of the insert),
   * each handed once to the first read of its triage (`takeInserted`): the triage job that follows
   * intake in the same process need not read back what was just written. Safe because triage writes
   * its decision conditionally on the revision it read, and every write that changes what triage reads
   * moves the revision (the campaign link, which does not, is written conditionally on the link read):
   * if anything changed the incident meanwhile, the decision's write finds nothing and triage reads the
   * store. Given once, so a retry always reads the store.
   */
  private readonly inserted = new LRUCache<string, Buffer>({ max: 500, ttl: 60_000 });

  /**
   * @param writeListener called after every write that queued audit drafts (the audit relay's `kick`),
   *   so the events reach the chain promptly instead of on the relay's next sweep.
   */
  constructor(
    db: Connection,
    private readonly writeListener?: IncidentWriteListener,
    private readonly options: IncidentRepositoryOptions = {},
  ) {
    this.models = incidentModels(db);
    this.sequence = new IncidentSequence(this.models);
  }

  /** Tells the listener about `doc` as it was stored by a write (so it does not read it back). */
  private afterWrite(doc: Record<string, unknown>): void {
    if (!this.writeListener) return;
    const outbox = (field: string): unknown[] => (Array.isArray(doc[field]) ? (doc[field] as unknown[]) : []);
    this.writeListener({
      collection: this.collectionName,
      id: doc._id,
      incident: toIncident(doc),
      pendingAudit: outbox('pendingAudit'),
      pendingJobs: outbox('pendingJobs'),
    });
  }

  /**
   * Files the written incident in the list index. A failure leaves the write standing (it is the
   * truth): the list index reconciler files the incident on its next pass.
   */
  private async file(incident: Incident): Promise<void> {
    try {
      await this.options.listIndex?.put(listedOf(incident));
    } catch (err) {
      this.options.logger?.warn(
        { incidentId: incident.id, err: (err as Error).message },
        'incident list index not updated; the reconciler files it',
      );
    }
  }

  async init(): Promise<void> {
    // One sequence for all bureaux was arbitrated by (year, seq); per-bureau numbers clash with it.
    await this.models.Incident.collection.dropIndex(LEGACY_SEQUENCE_INDEX).catch(() => undefined);
    await Promise.all(Object.values(this.models).map((model) => model.createIndexes()));
  }

  /** Name of the collection, for the audit relay. */
  get collectionName(): string {
    return this.models.Incident.collection.collectionName;
  }

  private scoped(scope: Scope, filter: Record<string, unknown> = {}): Record<string, unknown> {
    return scope.kind === 'bureau' ? { ...filter, bureauId: scope.bureauId } : filter;
  }

  private listFilter(scope: Scope, filter: IncidentFilter): Record<string, unknown> {
    const query: Record<string, unknown> = {};
    if (filter.status) query.status = filter.status;
    if (filter.severity) query.severity = filter.severity;
    if (filter.category) query['facts.category'] = filter.category;
    if (filter.bureauId) query.bureauId = filter.bureauId;
    const reported: Record<string, Date> = {};
    if (filter.reportedFrom) reported.$gte = filter.reportedFrom;
    if (filter.reportedTo) reported.$lt = filter.reportedTo;
    if (Object.keys(reported).length > 0) query.reportedAt = trusted(reported);
    if (filter.before) query._id = trusted({ $lt: new mongoose.Types.ObjectId(filter.before) });
    // The scope is applied last so no filter value can widen it; asking for another bureau finds nothing.
    if (scope.kind === 'bureau' && filter.bureauId && filter.bureauId !== scope.bureauId) {
      return { ...query, bureauId: trusted({ $in: [] }) };
    }
    return this.scoped(scope, query);
  }

  /**
   * Inserts a new incident with the next reference number of its bureau and year (see
   * {@link IncidentSequence}) and returns it as stored, or null when the id was stored already (an
   * idempotent retry's race).
   */
  async insertNew(
    id: string,
    series: IncidentSeries,
    build: (seq: number) => Record<string, unknown>,
  ): Promise<Incident | null> {
    const _id = new mongoose.Types.ObjectId(id);
    const key = seriesKey(series);
    let inserted: Record<string, unknown> = {};
    const result = await this.sequence.insert(
      id,
      key,
      (seq) => (inserted = { ...build(seq), series: key, year: series.year, _id }),
    );
    if (result.kind !== 'inserted') return null;
    // As the driver sent it (an undefined value stored as null): what a read would return.
    this.inserted.set(id, Buffer.from(mongoose.mongo.BSON.serialize(inserted, { ignoreUndefined: false })));
    this.afterWrite(inserted);
    const incident = toIncident(inserted);
    await this.file(incident);
    return incident;
  }

  /**
   * One incident, or null when it does not exist or lies outside `scope`. The scope is part of the
   * query, so another bureau's incident and a missing one are the same read with the same empty
   * answer: nothing of a foreign document reaches this process (our FerretDB build narrows any
   * `_id`-pinned filter through the `_id` index; see docs/conventions.md).
   */
  async findById(scope: Scope, id: string): Promise<Incident | null> {
    if (!isObjectId(id)) return null;
    if (scope.kind === 'all') return this.anyBureau.load(id);
    const doc = await this.models.Incident.findOne(this.scoped(scope, { _id: id }), {
      pendingAudit: 0,
      pendingJobs: 0,
    }).lean();
    return doc ? toIncident(doc) : null;
  }

  /**
   * The incident as this process inserted it, once (see {@link inserted}); undefined when this process
   * did not insert it lately or gave it out already.
   */
  takeInserted(id: string): Incident | undefined {
    const stored = this.inserted.get(id);
    if (!stored) return undefined;
    this.inserted.delete(id);
    return toIncident(mongoose.mongo.BSON.deserialize(stored));
  }

  /** Point lookups in parallel (CERT-wide ones grouped into `_id $in` reads by {@link findById}). */
  async findByIds(scope: Scope, ids: readonly string[]): Promise<Incident[]> {
    const found = await Promise.all([...new Set(ids)].map((id) => this.findById(scope, id)));
    return found.filter((incident): incident is Incident => incident !== null);
  }

  /**
   * Newest first, `limit` at most; pass the last id as `before` for the next page. Read through the
   * list index once it is ready (see {@link IncidentListIndex}); a scan of the collection otherwise.
   */
  async list(scope: Scope, filter: IncidentFilter, limit: number): Promise<Incident[]> {
    const index = this.options.listIndex;
    if (index) {
      try {
        if (await index.ready()) return await this.listIndexed(index, scope, filter, limit);
      } catch (err) {
        this.options.logger?.warn(
          { err: (err as Error).message },
          'incident list index unavailable; scanning the incidents',
        );
      }
    }
    const docs = await this.models.Incident.find(this.listFilter(scope, filter), {
      pendingAudit: 0,
      pendingJobs: 0,
    })
      .sort({ _id: -1 })
      .limit(limit)
      .lean();
    return docs.map(toIncident);
  }

  /**
   * The index gives ids in order, the incidents are read by `_id` with the whole filter and scope
   * applied again (MongoDB is the truth: a row the index has not caught up with is left out, never
   * shown wrongly), and the walk goes on until `limit` are found or the index ends.
   */
  private async listIndexed(
    index: IncidentListIndex,
    scope: Scope,
    filter: IncidentFilter,
    limit: number,
  ): Promise<Incident[]> {
    if (scope.kind === 'bureau' && filter.bureauId && filter.bureauId !== scope.bureauId) return [];
    const bureauId = scope.kind === 'bureau' ? scope.bureauId : (filter.bureauId ?? null);
    const where = this.listFilter(scope, { ...filter, before: undefined });
    const found: Incident[] = [];
    let after = filter.before;
    while (found.length < limit) {
      const run = await index.run(bureauId, filter, after, limit - found.length);
      if (run.ids.length > 0) {
        const ids = run.ids.map((id) => new mongoose.Types.ObjectId(id));
        const docs = await this.models.Incident.find(
          { ...where, _id: trusted({ $in: ids }) },
          { pendingAudit: 0, pendingJobs: 0 },
        ).lean();
        const byId = new Map(docs.map((doc) => [String(doc._id), doc]));
        for (const id of run.ids) {
          const doc = byId.get(id);
          if (doc) found.push(toIncident(doc));
        }
      }
      if (run.after === null) break;
      after = run.after;
    }
    return found;
  }

  /**
   * Every incident's list row, in batches, from one scan in natural order (the list index
   * reconciler's work: FerretDB reads the whole collection for any filter but `_id` anyway).
   */
  async *listedRows(batch: number): AsyncGenerator<ListedIncident[]> {
    const cursor = this.models.Incident.collection.find(
      {},
      {
        projection: {
          bureauId: 1,
          status: 1,
          severity: 1,
          'facts.category': 1,
          reportedAt: 1,
          revision: 1,
          clockSeq: 1,
        },
        batchSize: batch,
      },
    );
    yield* inBatches(cursor, batch, (doc) => listedOf(toIncident(doc)));
  }

  /**
   * Incidents as the version before decision records stored them (reasons in the decision summary,
   * a second copy of the clocks in `clockLedger`): the migration's work list, in batches of one scan.
   */
  async *storedBeforeDecisionRecords(batch: number): AsyncGenerator<StoredBeforeDecisionRecords[]> {
    const cursor = this.models.Incident.collection.find(
      { $or: [{ 'triage.reasons': { $exists: true } }, { clockLedger: { $exists: true } }] },
      {
        projection: {
          bureauId: 1,
          triage: 1,
          clocks: 1,
          clockLedger: 1,
          notifications: 1,
          revision: 1,
          clockSeq: 1,
        },
        batchSize: batch,
      },
    );
    yield* inBatches(cursor, batch, (doc) => ({
      id: String(doc._id),
      bureauId: String(doc.bureauId),
      triage: (doc.triage ?? null) as StoredBeforeDecisionRecords['triage'],
      clocks: (doc.clocks ?? []) as StoredBeforeDecisionRecords['clocks'],
      clockLedger: (doc.clockLedger ?? []) as StoredBeforeDecisionRecords['clockLedger'],
      notifications: (doc.notifications ?? []) as StoredBeforeDecisionRecords['notifications'],
      revision: doc.revision as unknown,
      clockSeq: doc.clockSeq as unknown,
    }));
  }

  /**
   * Incidents as the versions before the records kept the notifications owed stored them: with the
   * list on the incident (for that migration), in batches.
   */
  async *storedWithNotifications(batch: number): AsyncGenerator<StoredWithNotifications[]> {
    const cursor = this.models.Incident.collection.find(
      { notifications: { $exists: true } },
      { projection: { triage: 1, notifications: 1 }, batchSize: batch },
    );
    yield* inBatches(cursor, batch, (doc) => ({
      id: String(doc._id),
      decisionId: ((doc.triage ?? null) as { decisionId?: string } | null)?.decisionId ?? null,
      triaged: doc.triage !== null && doc.triage !== undefined,
      notifications: (Array.isArray(doc.notifications) ? doc.notifications : []) as IncidentNotification[],
    }));
  }

  /**
   * Incidents as the versions before the follow-up records stored them: with their `updates` list (for
   * that migration), in batches.
   */
  async *storedWithUpdateList(batch: number): AsyncGenerator<StoredWithUpdateList[]> {
    const cursor = this.models.Incident.collection.find(
      { updates: { $exists: true } },
      { projection: { bureauId: 1, updates: 1 }, batchSize: batch },
    );
    yield* inBatches(cursor, batch, (doc) => ({
      id: String(doc._id),
      bureauId: String(doc.bureauId),
      updates: (Array.isArray(doc.updates) ? doc.updates : []) as IncidentUpdate[],
    }));
  }

  /**
   * Replaces the incident's `updates` list, whose entries are now records, by their count (neither
   * revision nor updatedAt moves: the API shows the same follow-ups).
   */
  async replaceUpdateList(id: string, count: number): Promise<void> {
    if (!isObjectId(id)) return;
    await this.models.Incident.collection.updateOne(
      { _id: new mongoose.Types.ObjectId(id), updates: { $exists: true } },
      { $set: { updateCount: count }, $unset: { updates: '' } },
    );
  }

  /** Drops the notification list the decision record now holds (neither revision nor updatedAt moves). */
  async dropNotifications(id: string): Promise<void> {
    if (!isObjectId(id)) return;
    await this.models.Incident.collection.updateOne(
      { _id: new mongoose.Types.ObjectId(id) },
      { $unset: { notifications: '' } },
    );
  }

  /**
   * Rewrites an incident read by `storedBeforeDecisionRecords` in this version's shape, if it is still
   * as read (revision and clock sequence). Neither moves: nothing a responder sees changes.
   */
  async convertStored(
    stored: Pick<StoredBeforeDecisionRecords, 'id' | 'revision' | 'clockSeq'>,
    set: Record<string, unknown>,
    unset: readonly string[],
  ): Promise<boolean> {
    if (!isObjectId(stored.id)) return false;
    const result = await this.models.Incident.collection.updateOne(
      {
        _id: new mongoose.Types.ObjectId(stored.id),
        revision: stored.revision === undefined ? { $exists: false } : stored.revision,
        clockSeq: stored.clockSeq === undefined ? { $exists: false } : stored.clockSeq,
      },
      {
        ...(Object.keys(set).length > 0 ? { $set: set } : {}),
        $unset: Object.fromEntries(unset.map((field) => [field, ''])),
      },
    );
    return result.modifiedCount === 1;
  }

  count(scope: Scope, filter: IncidentFilter = {}): Promise<number> {
    return this.models.Incident.countDocuments(this.listFilter(scope, filter));
  }

  /**
   * Applies `change` if the incident is still at `revision` (optimistic concurrency), with its audit
   * events in the same update. Returns the incident after the change, or null if it changed meanwhile.
   */
  async applyChange(
    scope: Scope,
    id: string,
    revision: number,
    change: IncidentChange,
  ): Promise<Incident | null> {
    const push: Record<string, unknown> = { pendingAudit: trusted({ $each: change.audit }) };
    if (change.jobs && change.jobs.length > 0) push.pendingJobs = trusted({ $each: change.jobs });
    for (const [field, values] of Object.entries(change.push ?? {})) push[field] = trusted({ $each: values });
    if (!isObjectId(id)) return null;
    const guard = scope.kind === 'bureau' ? { revision, bureauId: scope.bureauId } : { revision };
    const doc = await updateIf(this.models.Incident.collection, new mongoose.Types.ObjectId(id), guard, {
      $set: { ...change.set, updatedAt: new Date() },
      $inc: { ...change.inc, revision: 1 },
      $push: push,
    });
    if (!doc) return null;
    this.afterWrite(doc);
    const incident = toIncident(doc);
    await this.file(incident);
    return incident;
  }

  /**
   * Stores a triage outcome a responder cannot see (a decision that says what the one in force says,
   * or a round confirmed), if the incident is still at `revision` with decision `decisionId`, with its
   * audit events. The revision and `updatedAt` stay, so the ETag a responder holds still matches.
   */
  async applyUnseenTriage(
    id: string,
    expected: { revision: number; decisionId: string },
    change: Pick<IncidentChange, 'set' | 'audit'>,
  ): Promise<Incident | null> {
    if (!isObjectId(id)) return null;
    const doc = await updateIf(
      this.models.Incident.collection,
      new mongoose.Types.ObjectId(id),
      { revision: expected.revision, 'triage.decisionId': expected.decisionId },
      { $set: change.set ?? {}, $push: { pendingAudit: trusted({ $each: change.audit }) } },
    );
    if (!doc) return null;
    this.afterWrite(doc);
    return toIncident(doc);
  }

  /**
   * Replaces the campaign link if it is still `current` (compare-and-set on the link's own version),
   * with its audit events. The revision, `updatedAt` and everything the bureau sees stay as they are:
   * another bureau's report must not move this incident's ETag. Returns null if the link changed.
   */
  async updateCampaign(
    id: string,
    current: CampaignLink | null,
    next: CampaignLink,
    audit: AuditDraft[],
  ): Promise<Incident | null> {
    if (!isObjectId(id)) return null;
    const doc = await updateIf(
      this.models.Incident.collection,
      new mongoose.Types.ObjectId(id),
      campaignGuard(current),
      { $set: { campaign: next }, $push: { pendingAudit: trusted({ $each: audit }) } },
    );
    if (!doc) return null;
    this.afterWrite(doc);
    return toIncident(doc);
  }

  /** Incidents still waiting for a triage decision, oldest first (the reconciler's work list). */
  async findTriagePending(scope: Scope, limit: number): Promise<Incident[]> {
    const docs = await this.models.Incident.find(this.scoped(scope, { triagePending: true }), {
      pendingAudit: 0,
      pendingJobs: 0,
    })
      .sort({ _id: 1 })
      .limit(limit)
      .lean();
    return docs.map(toIncident);
  }
}
