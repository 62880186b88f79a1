import { GroupCommit, isDuplicateKeyError, type Waiting } from '../platform/db/index.js';
import type { IncidentModels } from './incident.model.js';

/** How many times one insert retries after another process took the sequence number it tried. */
const MAX_ATTEMPTS = 50;
/** Most inserts written in one `insertMany` (one group commit). */
const MAX_BATCH = 100;
/**
 * Numbers tried one after the other after clashes before the highest is read again (from the series'
 * hint, below). The next free number is usually one or two past the clash.
 */
const PROBES_BEFORE_READ = 8;
/**
 * Where each series' highest stored number is noted (`{_id: series, highest}`, raised with `$max`).
 * Finding the highest among the incidents is a sorted query, which FerretDB answers by decoding every
 * incident of the series: with two API processes taking turns it ran on nearly every report, and a
 * restarted API process, reading it for tens of seconds on a loaded store, never caught up with the
 * other one and refused reports for the rest of a chaos run. The note can only lag (it is raised
 * after the insert lands), never lead, so probing upwards from it stays gapless.
 */
const SERIES_COLLECTION = 'incident_series';
/**
 * The note is raised by the insert that stores a multiple of this number, not by every insert: a
 * report filed on its own cost one more command for it. Whichever process stores number 4k notes at
 * least 4k, so the note lags the highest by at most 3 (plus notes in flight), which the probes cover.
 */
const NOTE_EVERY = 4;

/** Whether storing the numbers `from` to `to` stores a multiple of {@link NOTE_EVERY}. */
const storesNoteMark = (from: number, to: number): boolean =>
  to >= from && Math.floor(to / NOTE_EVERY) > Math.floor((from - 1) / NOTE_EVERY);

/** The year of an instant in Hong Kong (UTC+8, no daylight saving): references count per HK year. */
export function hongKongYear(at: Date): number {
  return new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();
}

/**
 * `GIRO-DH-2026-000123`: numbered per bureau and year, so a reference says nothing about other
 * bureaux' reports. Without a bureau, the single sequence of references stored before (`GIRO-2026-000123`).
 */
export function formatRef(prefix: string, year: number, seq: number, bureauId?: string): string {
  const series = bureauId === undefined ? `${year}` : `${bureauId}-${year}`;
  return `${prefix}-${series}-${String(seq).padStart(6, '0')}`;
}

/** Which sequence an incident's number is drawn from: one per bureau and Hong Kong year. */
export interface IncidentSeries {
  bureauId: string;
  year: number;
}

/** The stored key of a series (`DH/2026`); incidents stored before per-bureau numbering have none. */
export const seriesKey = (series: IncidentSeries): string => `${series.bureauId}/${series.year}`;

/** The outcome of {@link IncidentSequence.insert}: stored now, or found already stored under the id. */
export type SequencedInsert = { kind: 'inserted'; seq: number } | { kind: 'exists' };

/** One incident to number and insert. */
interface Pending {
  id: string;
  series: string;
  build: (seq: number) => Record<string, unknown>;
}

type Call = Waiting<Pending, SequencedInsert>;

/** How many documents of an ordered `insertMany` were stored before it failed. */
function storedBeforeFailure(err: unknown): number {
  const { writeErrors, insertedCount } = err as { writeErrors?: unknown; insertedCount?: unknown };
  const first: unknown = Array.isArray(writeErrors) ? writeErrors[0] : writeErrors;
  const index = (first as { index?: unknown } | undefined)?.index;
  if (typeof index === 'number') return index;
  return typeof insertedCount === 'number' ? insertedCount : 0;
}

/**
 * Gives each new incident the next sequence number of its series (bureau and year), gaplessly, without
 * transactions. The insert of `(series, year, seq)` under a unique index is the commit: a number is used only if the insert
 * succeeds, and a clash with another process means "try the next numbers, then read the highest noted again". Inside one
 * process, inserts are group-committed: whatever waits while one `insertMany` runs goes in the next,
 * ordered, with consecutive numbers, so concurrent requests share a write instead of queueing for one
 * each.
 */
export class IncidentSequence {
  private readonly next = new Map<string, number>();
  /**
   * Per series, a number this process found taken after probing past the note: a note below it is
   * stale (its writer died before noting, or the note write failed), so the highest is read instead.
   */
  private readonly foundTaken = new Map<string, number>();
  /** Per series, the highest number waiting to be noted while a note is being written. */
  private readonly notesWaiting = new Map<string, { highest: number }>();
  /** One series per write: the oldest waiting call's, up to `MAX_BATCH`, ordered. */
  private readonly commits = new GroupCommit<Pending, SequencedInsert>({
    take: (waiting) => {
      const series = waiting[0]?.item.series;
      return waiting.filter((call) => call.item.series === series).slice(0, MAX_BATCH);
    },
    write: (batch) => this.insertBatch(batch),
  });

  constructor(private readonly models: IncidentModels) {}

  /**
   * Inserts the document that `build(seq)` returns. When the id is already stored (an idempotent
   * retry that raced the first request) nothing is inserted and `exists` is returned.
   */
  insert(
    id: string,
    series: string,
    build: (seq: number) => Record<string, unknown>,
  ): Promise<SequencedInsert> {
    return this.commits.submit({ id, series, build });
  }

  private get seriesNotes() {
    return this.models.Incident.db.collection<{ _id: string; highest: number }>(SERIES_COLLECTION);
  }

  /**
   * The highest number noted for the series; the highest stored when there is no note (a database
   * written before the notes) or the note is below a number this process found taken (then noted).
   */
  private async highest(series: string): Promise<number> {
    const noted = await this.seriesNotes.findOne({ _id: series });
    const taken = this.foundTaken.get(series);
    if (noted && (taken === undefined || noted.highest >= taken)) return noted.highest;
    const top = await this.models.Incident.findOne({ series }, { seq: 1 }).sort({ seq: -1 }).lean();
    const highest = top?.seq ?? 0;
    this.foundTaken.delete(series);
    if (highest > 0) this.note(series, highest);
    return highest;
  }

  /**
   * Raises the series' note to `highest`, off the insert path: the next batch's insert does not wait
   * for it, and notes asked for while one is written are folded into one more write. A note that is
   * late or lost (a failure, a process ending) only leaves it lagging, which probing covers.
   */
  private note(series: string, highest: number): void {
    const waiting = this.notesWaiting.get(series);
    if (waiting) {
      waiting.highest = Math.max(waiting.highest, highest);
      return;
    }
    const entry = { highest };
    this.notesWaiting.set(series, entry);
    void this.writeNotes(series, entry);
  }

  private async writeNotes(series: string, entry: { highest: number }): Promise<void> {
    let written = 0;
    while (entry.highest > written) {
      const highest = entry.highest;
      await this.seriesNotes
        .updateOne({ _id: series }, { $max: { highest } }, { upsert: true })
        .catch(() => undefined);
      written = highest;
    }
    this.notesWaiting.delete(series);
  }

  /** Inserts one series' batch; settles every item (rejections are thrown for the caller to spread). */
  private async insertBatch(batch: Call[]): Promise<void> {
    let remaining = batch;
    let probes = 0;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && remaining.length > 0; attempt++) {
      const series = remaining[0]?.item.series ?? '';
      const first = this.next.get(series) ?? (await this.highest(series)) + 1;
      const docs = remaining.map((call, index) => call.item.build(first + index));
      try {
        await this.models.Incident.collection.insertMany(docs, { ordered: true });
        this.next.set(series, first + docs.length);
        remaining.forEach((item, index) => {
          item.resolve({ kind: 'inserted', seq: first + index });
        });
        const last = first + docs.length - 1;
        if (storesNoteMark(first, last)) this.note(series, last);
        return;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        // Those before the clash are stored with their numbers; the clash itself is either the id (a
        // retry stored it already) or the number (another process took it): FerretDB does not say which.
        const stored = storedBeforeFailure(err);
        if (storesNoteMark(first, first + stored - 1)) this.note(series, first + stored - 1);
        remaining.slice(0, stored).forEach((item, index) => {
          item.resolve({ kind: 'inserted', seq: first + index });
        });
        remaining = remaining.slice(stored);
        const clashed = remaining.at(0);
        if (clashed !== undefined && (await this.models.Incident.exists({ _id: clashed.item.id }))) {
          // The id clashed, not the number: that number is still free for the next one.
          clashed.resolve({ kind: 'exists' });
          remaining = remaining.slice(1);
          this.next.set(series, first + stored);
        } else if (++probes < PROBES_BEFORE_READ) {
          // Another process took the number. Every number up to the highest is taken (each is used
          // only by an insert that succeeded, in order), so trying the next ones one by one finds
          // the first free number and leaves no gap.
          this.next.set(series, first + stored + 1);
        } else {
          // Read the note again; if it has not moved past the number just found taken, it is stale and
          // the highest is read from the incidents (which probing from the note would never reach).
          probes = 0;
          this.foundTaken.set(series, first + stored);
          this.next.delete(series);
        }
      }
    }
    if (remaining.length > 0) {
      throw new Error(`no free incident number after ${MAX_ATTEMPTS} attempts`);
    }
  }
}
