import { randomUUID } from 'node:crypto';
import mongoose, { type mongo } from 'mongoose';
import { type Connection, idSlices, isDuplicateKeyError } from '../platform/db/index.js';
import type { AuditEvent, ChainHead } from './audit-event.types.js';
import { EMPTY_HEAD } from './audit-hash.js';

/**
 * The stored shape: the event plus `_id` = its seq zero-padded to 12 digits. A unique `_id` per position
 * forbids a fork; a string (not a number) because FerretDB's SQLite backend pushes down only string and
 * ObjectId `_id` equality, and the padding keeps string order equal to numeric order.
 */
type EventDocument = AuditEvent & {
  _id: string;
  /**
   * Not hashed, a hint only: the last seq its writer meant to reach in the run this event began. A writer that lost a
   * position reads it to find the new head in ~3 point reads instead of a gallop; a wrong hint costs
   * only the gallop, never correctness.
   */
  batchEnd?: number;
};

/** The `_id` of the event at `seq`. */
export const seqKey = (seq: number): string => String(seq).padStart(12, '0');

/** Filters for reading events; every field optional, combined with AND. */
export interface EventQuery {
  subjectType?: string;
  subjectId?: string;
  bureauId?: string;
  action?: string;
  actorUserId?: string;
  /** ISO instants, inclusive from / exclusive to. */
  from?: string;
  to?: string;
  afterSeq?: number;
}

export const AUDIT_EVENTS = 'audit_events';

/**
 * The longest run of events sent in one ordered insert, when the store passes the start probe. Big
 * enough that the insert's round trip and SQLite transaction are shared by many events (FerretDB
 * commits each chunk of 100 as one transaction), small enough that a run refused early costs little.
 */
export const MAX_RUN = 200;

/** What one ordered insert of a run did. */
export interface RunOutcome {
  /** How many events, from the first, are stored. */
  landed: number;
  /** True when the insert was refused at `landed` by a unique index. */
  refused: boolean;
}

/** The position (`_id`) is authoritative: a body moved to another position no longer hashes. */
function toEvent(doc: EventDocument): AuditEvent {
  const { _id, batchEnd: _batchEnd, ...rest } = doc;
  return { ...rest, seq: Number(_id) };
}

/**
 * Append and read, nothing else: the chain of audit events. Uses the native driver collection
 * (filters here are built by us, never from a request, and sanitizeFilter would mangle them).
 */
export class AuditEventRepository {
  private readonly events: mongo.Collection<EventDocument>;
  private runLimit = 1;

  constructor(
    private readonly db: Connection,
    private readonly onOverrun: (detail: { seq: number; removed: number; err?: unknown }) => void = () =>
      undefined,
  ) {
    if (!db.db) throw new Error('database connection not open');
    this.events = db.db.collection<EventDocument>(AUDIT_EVENTS);
  }

  async init(): Promise<void> {
    await this.events.createIndex({ eventId: 1 }, { unique: true, name: 'eventId_unique' });
    await this.events.createIndex({ 'subject.id': 1, _id: 1 }, { name: 'subject_seq' });
    await this.events.createIndex({ at: 1 }, { name: 'at' });
    this.runLimit = (await orderedInsertStopsAtRefusal(this.db, MAX_RUN)) ? MAX_RUN : 1;
  }

  /**
   * How many events one insert may carry: `MAX_RUN` when the start probe saw this store's ordered
   * insert stop at its first refused document (MongoDB's documented rule; our FerretDB build's patch),
   * 1 otherwise (stock FerretDB v1 goes on with its next chunk of 100), and 1 for good once a run was
   * seen to land past a refusal.
   */
  get maxRun(): number {
    return this.runLimit;
  }

  /**
   * The last event, found from a known one by galloping then bisecting over point lookups: FerretDB
   * sorts in memory, so `sort({ _id: -1 }).limit(1)` would read the whole chain; this reads ~2·log2(n).
   */
  async findHead(known: ChainHead = EMPTY_HEAD): Promise<ChainHead> {
    let low = known;
    let step = 1;
    let high: number;
    for (;;) {
      const next = await this.bySeq(low.seq + step);
      if (!next) {
        high = low.seq + step;
        break;
      }
      low = { seq: next.seq, hash: next.hash };
      step *= 2;
    }
    while (high - low.seq > 1) {
      const middle = Math.floor((low.seq + high) / 2);
      const found = await this.bySeq(middle);
      if (found) low = { seq: found.seq, hash: found.hash };
      else high = middle;
    }
    return low;
  }

  /** The event at `seq` and the batch-end hint written with it. */
  async occupant(seq: number): Promise<{ event: AuditEvent; batchEnd: number } | null> {
    const doc = await this.events.findOne({ _id: seqKey(seq) });
    return doc ? { event: toEvent(doc), batchEnd: doc.batchEnd ?? seq } : null;
  }

  /** The head, starting from the batch end another writer announced at a position it took. */
  async headAfter(taken: { event: AuditEvent; batchEnd: number }): Promise<ChainHead> {
    const end = taken.batchEnd > taken.event.seq ? await this.bySeq(taken.batchEnd) : null;
    const from = end ?? taken.event;
    return this.findHead({ seq: from.seq, hash: from.hash });
  }

  async bySeq(seq: number): Promise<AuditEvent | null> {
    if (seq < 1) return null;
    const doc = await this.events.findOne({ _id: seqKey(seq) });
    return doc ? toEvent(doc) : null;
  }

  /**
   * Inserts a run of consecutive events (seq k, k+1, ...) in one ordered insert and says how many
   * landed, from the first. Only a prefix may land: that is what `maxRun` was probed for. Should the
   * store still store events past the refused one (the count it reports says so), those are removed at
   * once, before any writer can seal onto them (they link to an event that is not stored), `maxRun`
   * drops to 1, and `onOverrun` tells the operator.
   */
  async insertRun(run: readonly AuditEvent[], batchEnd: number): Promise<RunOutcome> {
    if (run.length === 0) return { landed: 0, refused: false };
    const end = Math.max(batchEnd, run[run.length - 1].seq);
    const docs = run.map((event) => ({ _id: seqKey(event.seq), ...event, batchEnd: end }));
    try {
      await this.events.insertMany(docs, { ordered: true });
      return { landed: run.length, refused: false };
    } catch (err) {
      const refusal = firstRefusal(err);
      if (refusal === null) throw err;
      if (refusal.stored > refusal.index) await this.removeOverrun(run.slice(refusal.index + 1));
      return { landed: refusal.index, refused: true };
    }
  }

  private async removeOverrun(after: readonly AuditEvent[]): Promise<void> {
    this.runLimit = 1;
    const seq = after[0]?.seq ?? 0;
    try {
      const removed = await this.events.deleteMany({
        $or: after.map((event) => ({ _id: seqKey(event.seq), eventId: event.eventId, hash: event.hash })),
      });
      this.onOverrun({ seq, removed: removed.deletedCount });
    } catch (err) {
      // The append-only production role refuses deletes: the operator must hear of it either way.
      this.onOverrun({ seq, removed: 0, err });
    }
  }

  /**
   * Every event in natural (insertion) order, streamed with large batches. Insertion order is seq order
   * for honest writers (position k is only written once k-1 exists); the verifier tolerates and reports
   * anything else. No sort: FerretDB would sort the whole chain in memory.
   */
  async *stream(batchSize = 10_000): AsyncGenerator<AuditEvent> {
    const cursor = this.events.find({}).batchSize(batchSize);
    try {
      for await (const doc of cursor) yield toEvent(doc);
    } finally {
      await cursor.close();
    }
  }

  /** One page of events matching `query`, ascending by `seq`. */
  async list(query: EventQuery, limit: number): Promise<AuditEvent[]> {
    const filter = toFilter(query);
    const after = query.afterSeq;
    if (Object.keys(filter).length === 1 && after !== undefined) {
      // The plain "next page" read: the page's seqs by `_id $in`, which MongoDB answers from the _id
      // index and our FerretDB build too, up to 500 ids a query. One point lookup a seq (as before
      // session 21) cost the trail-page keeper a command per event, about 15 a report filed.
      const events: AuditEvent[] = [];
      for (const ids of idSlices(Array.from({ length: limit }, (_, index) => seqKey(after + index + 1)))) {
        const docs = await this.events.find({ _id: { $in: ids } }).toArray();
        events.push(...docs.map(toEvent));
      }
      return events.sort((a, b) => a.seq - b.seq);
    }
    if (query.subjectId !== undefined) {
      const events = (await this.subjectEvents(query)).filter(
        (event) => after === undefined || event.seq > after,
      );
      return events.slice(0, limit);
    }
    const docs = await this.events.find(filter).sort({ _id: 1 }).limit(limit).toArray();
    return docs.map(toEvent);
  }

  /**
   * Every event about one subject matching `query`, ascending by `seq`. The store is asked for the
   * subject alone: our FerretDB build answers a filter on `subject.id` from its index, but any second
   * condition (the subject's type, a seq range, a sort) makes it decode the whole trail (measured: 40
   * events of 20,000 in 0.8 s alone, 6.6 s with the type beside it, as long as reading all 20,000).
   * A subject has tens to hundreds of events, so the rest of the filter is applied here.
   */
  private async subjectEvents(query: Omit<EventQuery, 'afterSeq'>): Promise<AuditEvent[]> {
    const docs = await this.events
      .find({ 'subject.id': query.subjectId } as mongo.Filter<EventDocument>)
      .toArray();
    return docs
      .map(toEvent)
      .filter(
        (event) =>
          event.subject.id === query.subjectId &&
          (query.subjectType === undefined || event.subject.type === query.subjectType) &&
          (query.bureauId === undefined || event.bureauId === query.bureauId) &&
          (query.action === undefined || event.action === query.action) &&
          (query.actorUserId === undefined || event.actor.userId === query.actorUserId) &&
          (query.from === undefined || event.at >= query.from) &&
          (query.to === undefined || event.at < query.to),
      )
      .sort((a, b) => a.seq - b.seq);
  }

  /** Events matching `query` with a sequence number below `beforeSeq` (all when absent), newest first. */
  async listNewestFirst(
    query: Omit<EventQuery, 'afterSeq'>,
    beforeSeq: number | undefined,
    limit: number,
  ): Promise<AuditEvent[]> {
    if (query.subjectId !== undefined) {
      const events = await this.subjectEvents(query);
      return events
        .filter((event) => beforeSeq === undefined || event.seq < beforeSeq)
        .reverse()
        .slice(0, limit);
    }
    const filter = toFilter(query) as mongo.Document;
    if (beforeSeq !== undefined) filter._id = { $lt: seqKey(beforeSeq) };
    const docs = await this.events
      .find(filter as mongo.Filter<EventDocument>)
      .sort({ _id: -1 })
      .limit(limit)
      .toArray();
    return docs.map(toEvent);
  }
}

/**
 * The first refused document of a failed ordered insert (`index`) and how many documents the store
 * says it stored (`stored`); null when the failure is not a unique-index refusal.
 */
function firstRefusal(err: unknown): { index: number; stored: number } | null {
  if (!(err instanceof mongoose.mongo.MongoBulkWriteError)) {
    return isDuplicateKeyError(err) ? { index: 0, stored: 0 } : null;
  }
  const errors: mongo.WriteError[] = [err.writeErrors].flat();
  const first = errors.reduce<mongo.WriteError | null>(
    (lowest, next) => (lowest === null || next.index < lowest.index ? next : lowest),
    null,
  );
  if (first?.code !== 11000) return null;
  return { index: first.index, stored: err.insertedCount };
}

/**
 * Whether this store's ordered insert stops at its first refused document, tried with `size`
 * documents (more than one FerretDB chunk) and a duplicate `_id` at index 1, in a scratch collection
 * of its own so that processes starting together do not meet.
 */
async function orderedInsertStopsAtRefusal(db: Connection, size: number): Promise<boolean> {
  if (!db.db) throw new Error('database connection not open');
  const probe = db.db.collection<{ _id: number }>(`audit_probe_${randomUUID().replaceAll('-', '')}`);
  try {
    const docs = Array.from({ length: size }, (_, index) => ({ _id: index === 1 ? 0 : index }));
    await probe.insertMany(docs, { ordered: true }).catch((err: unknown) => {
      if (firstRefusal(err) === null) throw err;
    });
    return (await probe.countDocuments({})) === 1;
  } finally {
    await probe.drop().catch(() => undefined);
  }
}

function toFilter(query: EventQuery): mongo.Filter<EventDocument> {
  const filter: mongo.Document = {};
  if (query.subjectType) filter['subject.type'] = query.subjectType;
  if (query.subjectId) filter['subject.id'] = query.subjectId;
  if (query.bureauId) filter.bureauId = query.bureauId;
  if (query.action) filter.action = query.action;
  if (query.actorUserId) filter['actor.userId'] = query.actorUserId;
  if (query.from || query.to) {
    filter.at = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
  }
  if (query.afterSeq !== undefined) filter._id = { $gt: seqKey(query.afterSeq) };
  return filter;
}
