import { isDuplicateKeyError } from '../platform/db/index.js';
import type { IncidentModels } from './incident.model.js';

/** How many times one insert retries after another process took the sequence number it tried. */
const MAX_ATTEMPTS = 50;

/** The year of an instant in Hong Kong (UTC+8, no daylight saving): references count per HK year. */
export function hongKongYear(at: Date): number {
  return new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();
}

/** `GIRO-2026-000123`. */
export function formatRef(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

/** The outcome of {@link IncidentSequence.insert}: stored now, or found already stored under the id. */
export type SequencedInsert = { kind: 'inserted'; seq: number } | { kind: 'exists' };

/**
 * Gives each new incident the next sequence number of its year, gaplessly, without transactions.
 * The insert of `(year, seq)` under a unique index is the commit: a number is used only if the insert
 * succeeds, and a clash with another process means "read the highest again and retry". Inside one
 * process inserts are serialised, so concurrent requests do not fight over the same number.
 */
export class IncidentSequence {
  private readonly next = new Map<number, number>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly models: IncidentModels) {}

  /**
   * Inserts the document that `build(seq)` returns. When the id is already stored (an idempotent
   * retry that raced the first request) nothing is inserted and `exists` is returned.
   */
  insert(
    id: string,
    year: number,
    build: (seq: number) => Record<string, unknown>,
  ): Promise<SequencedInsert> {
    const run = this.tail.then(() => this.insertNow(id, year, build));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async highest(year: number): Promise<number> {
    const top = await this.models.Incident.findOne({ year }, { seq: 1 }).sort({ seq: -1 }).lean();
    return top?.seq ?? 0;
  }

  private async insertNow(
    id: string,
    year: number,
    build: (seq: number) => Record<string, unknown>,
  ): Promise<SequencedInsert> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const seq = this.next.get(year) ?? (await this.highest(year)) + 1;
      try {
        await this.models.Incident.collection.insertOne(build(seq));
        this.next.set(year, seq + 1);
        return { kind: 'inserted', seq };
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        // FerretDB does not say which index clashed: the id (a retry) or the number (another process).
        this.next.delete(year);
        if (await this.models.Incident.exists({ _id: id })) return { kind: 'exists' };
      }
    }
    throw new Error(`no free incident number for ${year} after ${MAX_ATTEMPTS} attempts`);
  }
}
