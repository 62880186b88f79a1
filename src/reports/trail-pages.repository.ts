import { promisify } from 'node:util';
import { constants, deflateRaw, inflateRaw } from 'node:zlib';
import type { mongo } from 'mongoose';
import type { AuditEvent } from '../audit/index.js';
import { isDuplicateKeyError, type Connection } from '../platform/db/index.js';

export const TRAIL_PAGES_COLLECTION = 'audit_export_pages';

/** Events per page: a page document is ~100 KB compressed. */
export const TRAIL_PAGE_SIZE = 1000;

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/**
 * A stored page: events `first`..`last` of the chain as one compressed JSON array. One document per
 * thousand events because FerretDB's SQLite backend decodes documents one by one at a few thousand a
 * second, whatever the query; a single binary field is copied, not decoded.
 */
interface PageDocument {
  _id: string;
  first: number;
  last: number;
  /** `prevHash` of the first event and `hash` of the last: how pages link to each other and the chain. */
  prevHash: string;
  lastHash: string;
  body: Buffer;
}

/** A page as read back: the events in chain order and how it links. */
export interface TrailPage {
  index: number;
  prevHash: string;
  lastHash: string;
  events: AuditEvent[];
}

const pageKey = (index: number): string => String(index).padStart(9, '0');

/**
 * A read cache of the audit chain for exports: full pages of events, immutable once written (the chain
 * is append-only). Pages are written only from events read from the chain in order and linked by
 * their hashes; readers check each page's position and links, the signed checkpoints that fall in
 * it, and that the chain read after the last page continues it.
 */
export class TrailPageRepository {
  private readonly pages: mongo.Collection<PageDocument>;

  constructor(
    db: Connection,
    readonly size = TRAIL_PAGE_SIZE,
  ) {
    if (!db.db) throw new Error('database connection not open');
    this.pages = db.db.collection<PageDocument>(TRAIL_PAGES_COLLECTION);
  }

  /**
   * Every page in storage order, which is page order (a page is written only after the one before
   * it); readers check that. A natural-order cursor: on FerretDB/SQLite even an `_id` lookup scans
   * the whole table, so one pass is the cheapest read there is. Two pages are inflated ahead.
   */
  async *stream(): AsyncGenerator<TrailPage> {
    const cursor = this.pages.find({}, { promoteBuffers: true }).batchSize(4);
    const ahead: Promise<TrailPage>[] = [];
    try {
      for await (const doc of cursor) {
        const page = this.decode(doc);
        page.catch(() => undefined); // awaited below; a stopped export must not leave it unhandled
        ahead.push(page);
        const next = ahead.length > 2 ? ahead.shift() : undefined;
        if (next) yield await next;
      }
      for (const page of ahead) yield await page;
    } finally {
      await cursor.close();
    }
  }

  /** How many pages there are (tests and the bench). */
  count(): Promise<number> {
    return this.pages.countDocuments({});
  }

  private async decode(doc: PageDocument): Promise<TrailPage> {
    const events = JSON.parse((await inflate(doc.body)).toString('utf8')) as AuditEvent[];
    const index = Number(doc._id);
    const first = index * this.size + 1;
    if (doc.first !== first || events.length !== this.size || events[0]?.seq !== first) {
      throw new Error(`audit export page ${index} does not hold events ${first}…${first + this.size - 1}`);
    }
    return { index, prevHash: doc.prevHash, lastHash: doc.lastHash, events };
  }

  /** Stores a full page; a page another export wrote first holds the same events and is kept. */
  async put(index: number, events: readonly AuditEvent[]): Promise<void> {
    const [first, last] = [events.at(0), events.at(-1)];
    if (events.length !== this.size || !first || !last || first.seq !== index * this.size + 1) {
      throw new Error(`not a full page of audit events at page ${index}`);
    }
    const body = await deflate(Buffer.from(JSON.stringify(events), 'utf8'), {
      level: constants.Z_BEST_SPEED,
    });
    const doc = {
      _id: pageKey(index),
      first: first.seq,
      last: last.seq,
      prevHash: first.prevHash,
      lastHash: last.hash,
      body,
    };
    try {
      await this.pages.insertOne(doc);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /**
   * Where the run of pages from page 0 ends: the first missing index and the last hash before it.
   * Found by `_id` probes (doubling, then bisecting), a few dozen point reads however long the chain.
   */
  async end(): Promise<{ index: number; lastHash: string }> {
    const lastHashOf = async (index: number): Promise<string | null> =>
      (await this.pages.findOne({ _id: pageKey(index) }, { projection: { lastHash: 1 } }))?.lastHash ?? null;
    if ((await lastHashOf(0)) === null) return { index: 0, lastHash: '' };
    let present = 0;
    let missing = 1;
    while ((await lastHashOf(missing)) !== null) [present, missing] = [missing, missing * 2];
    while (missing - present > 1) {
      const middle = Math.floor((present + missing) / 2);
      if ((await lastHashOf(middle)) !== null) present = middle;
      else missing = middle;
    }
    return { index: missing, lastHash: (await lastHashOf(present)) ?? '' };
  }

  /** Forgets every page (they no longer match the chain, e.g. after a restore). */
  async clear(): Promise<void> {
    await this.pages.deleteMany({});
  }
}
