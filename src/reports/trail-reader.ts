import type { AuditEvent } from '../audit/index.js';
import type { TrailPage, TrailPageRepository } from './trail-pages.repository.js';
import type { TrailCut, TrailSource } from './trail-source.js';

/** Seqs per round of point reads (`list` with `after` alone is answered by `_id` lookups). */
const POINT_CHUNK = 500;
/**
 * Events after the last page are read by `_id` lookups up to this many, or a tenth of the cut if more
 * (a scan decodes the whole chain: at a million events, minutes on FerretDB); beyond, by one scan.
 */
export const POINT_READ_MAX = 5000;

/** Thrown when what is read does not match the chain; the page cache is dropped first. */
export class TrailReadError extends Error {}

/**
 * Events 1..cut in seq order for exports. The full pages of the export cache come first (one document
 * per thousand events, read by one cursor); the rest is read from the chain, by `_id` lookups when it
 * is short (indexed, with FerretDB's `_id` patch or on MongoDB), else by one natural-order scan, and
 * written as new pages on the way. A later event (appended while the export runs) is never
 * included: the file stays the signed prefix however busy the chain is.
 */
export class TrailReader {
  constructor(
    private readonly audit: TrailSource,
    private readonly pages: TrailPageRepository | null = null,
    private readonly pointReadMax = POINT_READ_MAX,
  ) {}

  async *events(cut: TrailCut): AsyncGenerator<AuditEvent> {
    if (cut.seq <= 0) return;
    const signed = new Map(cut.checkpoints.map((checkpoint) => [checkpoint.seq, checkpoint.headHash]));
    let paged = 0;
    let lastHash = '';
    if (this.pages) {
      for await (const page of this.pages.stream()) {
        // Pages beyond the cut, or not next in line, are left for another export.
        if (page.index !== paged || (page.index + 1) * this.pages.size > cut.seq) break;
        await this.check(page, lastHash, signed);
        yield* page.events;
        lastHash = page.lastHash;
        paged += 1;
      }
    }
    const from = paged * (this.pages?.size ?? 0) + 1;
    if (from > cut.seq) return;
    const builder = this.pages ? new PageBuilder(this.pages, paged, lastHash) : null;
    let joined = from === 1;
    const short = this.pointReadMax > 0 && cut.seq - from < Math.max(this.pointReadMax, cut.seq / 10);
    const tail = short ? this.pointReads(from, cut.seq) : this.scan(from, cut.seq);
    for await (const event of tail) {
      if (!joined) {
        // The chain must continue the last page; if not, the pages are not this chain's any more.
        if (event.seq === from && event.prevHash !== lastHash)
          await this.fail(`seq ${from} does not follow the pages`);
        joined = true;
      }
      yield event;
      await builder?.add(event);
    }
  }

  private async fail(why: string): Promise<never> {
    await this.pages?.clear();
    throw new TrailReadError(`audit export cache dropped: ${why}; export again`);
  }

  /** A page must continue the previous one event by event and agree with the checkpoints it spans. */
  private async check(page: TrailPage, previousHash: string, signed: Map<number, string>): Promise<void> {
    let prev = page.index === 0 ? page.events[0].prevHash : previousHash;
    const first = page.events[0].seq;
    for (const [offset, event] of page.events.entries()) {
      const checkpoint = signed.get(event.seq);
      if (
        event.seq !== first + offset ||
        event.prevHash !== prev ||
        (checkpoint && checkpoint !== event.hash)
      ) {
        await this.fail(`page ${page.index} does not match the chain at seq ${first + offset}`);
      }
      prev = event.hash;
    }
    if (prev !== page.lastHash) await this.fail(`page ${page.index} has a wrong last hash`);
  }

  /** Seqs from..cut by `_id` lookups, one round ahead; a missing seq (a gap) is simply not there. */
  private async *pointReads(from: number, cut: number): AsyncGenerator<AuditEvent> {
    const round = (after: number) => {
      const last = Math.min(cut, after + POINT_CHUNK);
      const read = this.audit
        .list({ after, limit: last - after })
        .then((page) => page.events.filter((event) => event.seq > after && event.seq <= last));
      read.catch(() => undefined); // awaited below; a stopped export must not leave it unhandled
      return read;
    };
    let after = from - 1;
    let pending = round(after);
    for (;;) {
      const events = await pending;
      after = Math.min(cut, after + POINT_CHUNK);
      if (after < cut) pending = round(after);
      yield* events;
      if (after >= cut) return;
    }
  }

  /**
   * Seqs from..cut by one natural-order scan of the chain. Storage order is seq order when one
   * writer appends in order; that is checked, not assumed. A skipped seq is a gap (the verifier's to
   * report) unless it turns up later: then the trail is not stored in order and the export fails
   * loudly rather than write it out of order.
   */
  private async *scan(from: number, cut: number): AsyncGenerator<AuditEvent> {
    let expected = from;
    const skipped: [number, number][] = [];
    for await (const event of this.audit.streamEvents()) {
      const seq = event.seq;
      if (seq < from || seq > cut) continue;
      if (seq < expected) {
        const late = skipped.some(([low, high]) => seq >= low && seq <= high);
        throw new TrailReadError(
          late
            ? `audit event ${seq} is stored after ${expected - 1}: the trail is not in seq order`
            : `audit event ${seq} read twice`,
        );
      }
      if (seq > expected) skipped.push([expected, seq - 1]);
      yield event;
      expected = seq + 1;
      // Done at the cut, unless a skipped seq might still come (then read on to the end to know).
      if (expected > cut && skipped.length === 0) return;
    }
  }
}

/** Collects events read from the chain into full, linked pages and stores them. */
class PageBuilder {
  private buffer: AuditEvent[] = [];
  private stopped = false;

  constructor(
    private readonly pages: TrailPageRepository,
    private index: number,
    private lastHash: string,
  ) {}

  async add(event: AuditEvent): Promise<void> {
    if (this.stopped) return;
    const seq = this.index * this.pages.size + this.buffer.length + 1;
    const prev = this.buffer.at(-1)?.hash ?? this.lastHash;
    // A gap or a broken link is the verifier's to report; the cache only ever holds a linked chain.
    if (event.seq !== seq || (seq > 1 && event.prevHash !== prev)) {
      this.stopped = true;
      return;
    }
    this.buffer.push(event);
    if (this.buffer.length < this.pages.size) return;
    try {
      await this.pages.put(this.index, this.buffer);
    } catch {
      this.stopped = true; // a cache that could not be written costs the next export time, not this one
      return;
    }
    this.lastHash = event.hash;
    this.index += 1;
    this.buffer = [];
  }
}
