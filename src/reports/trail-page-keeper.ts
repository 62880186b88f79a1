import type { AuditEvent } from '../audit/index.js';
import { Periodic, type Logger, type RequestPressure } from '../platform/index.js';
import type { TrailPageRepository } from './trail-pages.repository.js';
import type { TrailSource } from './trail-source.js';

/** Seqs read per round (a page of the trail by `_id $in`) while a page is filled. */
const ROUND = 500;

/** Options of the {@link TrailPageKeeper}. */
export interface TrailPageKeeperOptions {
  /** Pause between passes; default a minute. */
  intervalMs?: number;
  /**
   * Largest share of the time the keeper's page writes take while it catches up; default 0.2. After a
   * burst the head is several pages ahead (four after 600 reports), and written back to back those
   * held the store for 2-4 s: the reports filed meanwhile waited that long for triage (the 20/s bench's
   * p99, 1.6-4.4 s; 0.4 s without them). Each page is followed by a rest of its cost times
   * `(1 - duty) / duty`; 1 writes them back to back.
   */
  duty?: number;
  /** Passes wait while this process's API requests are high, before each page too (see `Periodic`). */
  pressure?: RequestPressure | null;
}

/**
 * Keeps the export page cache current in the background, so an export reads the chain as pages (one
 * cursor) plus a short tail instead of scanning it (FerretDB decodes a scanned event in ~0.2 ms). Each
 * pass pages every full thousand events not yet paged, read by `_id $in` reads, which are indexed on
 * MongoDB and on our patched FerretDB and do not depend on storage order. A page is written only from
 * a gapless run that links to the page before; anything else is for `audit verify` to report, and the
 * keeper stops there until the chain is repaired or the cache is cleared.
 */
export class TrailPageKeeper {
  readonly name = 'trail-page-keeper';
  private readonly loop: Periodic;
  private readonly duty: number;
  private stopping = false;
  /** Ends the rest under way at once (on stop). */
  private wakeFromRest: (() => void) | null = null;

  constructor(
    private readonly audit: TrailSource,
    private readonly pages: TrailPageRepository,
    logger: Logger,
    options: TrailPageKeeperOptions = {},
  ) {
    this.duty = Math.min(Math.max(options.duty ?? 0.2, 0.01), 1);
    // A first pass over a long existing chain takes minutes (paced by `duty` within it); the pause
    // after it stays the interval.
    this.loop = new Periodic(this.name, options.intervalMs ?? 60_000, () => this.pass(), logger, {
      dutyCycle: 1,
      pressure: options.pressure ?? null,
    });
  }

  start(): void {
    this.stopping = false;
    this.loop.start();
  }

  stop(): Promise<void> {
    this.stopping = true;
    this.wakeFromRest?.();
    return this.loop.stop();
  }

  /** Pages what is missing up to the head; resolves with the number of pages written. */
  async pass(): Promise<number> {
    const head = (await this.audit.head()).seq;
    let { index, lastHash } = await this.pages.end();
    let written = 0;
    while (!this.stopping && (index + 1) * this.pages.size <= head) {
      await this.loop.yieldToRequests();
      const started = Date.now();
      const events = await this.read(index * this.pages.size, this.pages.size);
      if (!linked(events, index * this.pages.size + 1, lastHash, this.pages.size)) break;
      await this.pages.put(index, events);
      lastHash = events.at(-1)?.hash ?? lastHash;
      index += 1;
      written += 1;
      if ((index + 1) * this.pages.size <= head) {
        await this.rest(((Date.now() - started) * (1 - this.duty)) / this.duty);
      }
    }
    return written;
  }

  /** Waits `ms` before the next page, or less when the keeper stops. */
  private async rest(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeFromRest = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeFromRest = null;
  }

  private async read(after: number, count: number): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    for (let done = 0; done < count; done += ROUND) {
      const limit = Math.min(ROUND, count - done);
      const page = await this.audit.list({ after: after + done, limit });
      events.push(
        ...page.events.filter((event) => event.seq > after + done && event.seq <= after + done + limit),
      );
    }
    return events;
  }
}

/** A full run of consecutive seqs from `first`, each linked to the one before (and to `lastHash`). */
function linked(events: readonly AuditEvent[], first: number, lastHash: string, size: number): boolean {
  if (events.length !== size) return false;
  let prev = first === 1 ? events[0]?.prevHash : lastHash;
  return events.every((event, offset) => {
    const ok = event.seq === first + offset && event.prevHash === prev;
    prev = event.hash;
    return ok;
  });
}
