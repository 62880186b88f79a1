import { setTimeout as sleep } from 'node:timers/promises';

/** What `decide` chose: a change to write, or an answer to return without writing. */
export type Decision<Change, Answer> = { write: Change } | { done: Answer };

/** The steps of one {@link readDecideWrite}. */
export interface ReadDecideWriteSteps<Current, Change, Written, Answer> {
  /** Reads the document as it stands (may stand for "missing": `decide` sees what this returns). */
  read: () => Promise<Current>;
  /** Chooses the change from what `read` returned, or stops with an answer; may throw (a 404, a 403). */
  decide: (current: Current) => Decision<Change, Answer> | Promise<Decision<Change, Answer>>;
  /**
   * Writes `change` in one conditional command, guarded by what `decide` relied on in `current` (a
   * version counter, or the fields it decided on). Returns what was written, or null when the guard
   * no longer matched (someone wrote in between): then the document is read again and decided again.
   */
  write: (change: Change, current: Current) => Promise<Written | null>;
  /** How many reads may lose their race before giving up; 5 unless given. */
  attempts?: number;
  /** The error thrown when every attempt lost; a {@link WriteContentionError} unless given. */
  exhausted?: () => Error;
}

/** Every attempt of a {@link readDecideWrite} lost its race: the document changes faster than we decide. */
export class WriteContentionError extends Error {
  constructor(readonly attempts: number) {
    super(`the document kept changing: ${String(attempts)} conditional writes lost their race`);
    this.name = 'WriteContentionError';
  }
}

/**
 * Compare-and-set as a loop: reads the document, lets the caller decide the change (or stop), writes
 * it conditionally on what the decision read, and on a lost race reads and decides again (after a
 * short random pause from the second loss on), at most `attempts` times. Every decision that returns was applied exactly once, on the state it was made
 * from; none is applied on a state it did not see. Needs a store whose conditional single-document
 * writes are atomic (see {@link assertAtomicWrites}).
 */
export async function readDecideWrite<Current, Change, Written, Answer = never>(
  steps: ReadDecideWriteSteps<Current, Change, Written, Answer>,
): Promise<Written | Answer> {
  const attempts = steps.attempts ?? 5;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await steps.read();
    const decision = await steps.decide(current);
    if ('done' in decision) return decision.done;
    const written = await steps.write(decision.write, current);
    if (written !== null) return written;
    // Writers that keep colliding take turns: a short random pause, growing with each lost race.
    if (attempt > 0) await sleep(Math.random() * Math.min(2 ** attempt, 50));
  }
  throw steps.exhausted?.() ?? new WriteContentionError(attempts);
}

/**
 * A guard on a version counter read as `version`: equal to it, or absent when the document was
 * written before it had one (its first guarded write then sets it).
 */
export function versionIs(version: number | undefined): number | { $exists: false } {
  return version === undefined ? { $exists: false } : version;
}
