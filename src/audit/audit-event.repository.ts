import type { mongo } from 'mongoose';
import type { Connection } from '../platform/db/index.js';
import { isDuplicateKeyError } from '../platform/db/index.js';
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

  constructor(db: Connection) {
    if (!db.db) throw new Error('database connection not open');
    this.events = db.db.collection<EventDocument>(AUDIT_EVENTS);
  }

  async init(): Promise<void> {
    await this.events.createIndex({ eventId: 1 }, { unique: true, name: 'eventId_unique' });
    await this.events.createIndex({ 'subject.id': 1, _id: 1 }, { name: 'subject_seq' });
    await this.events.createIndex({ at: 1 }, { name: 'at' });
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
   * Inserts one event at its position: true when it went in, false when a unique index refused it
   * (its position is taken, or its eventId is in the chain already). One document per insert on
   * purpose: see `ChainAppender` for why a multi-document insert cannot be trusted here.
   */
  async insertAt(event: AuditEvent, batchEnd: number): Promise<boolean> {
    try {
      await this.events.insertOne({
        _id: seqKey(event.seq),
        ...event,
        batchEnd: Math.max(batchEnd, event.seq),
      });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
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
      // The plain "next page" read: point lookups, which every backend answers from the _id index.
      const seqs = Array.from({ length: limit }, (_, index) => after + index + 1);
      const found = await Promise.all(seqs.map((seq) => this.bySeq(seq)));
      return found.filter((event): event is AuditEvent => event !== null);
    }
    const docs = await this.events.find(filter).sort({ _id: 1 }).limit(limit).toArray();
    return docs.map(toEvent);
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
