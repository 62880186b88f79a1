import type { AuditCheckpoint, AuditEvent } from './audit-event.types.js';
import { checkEvent, type CheckedEvent } from './checked-event.js';

/** The first line of an export file (`govcert-audit/1`), as far as verification reads it. */
export interface HeaderLine {
  kind: 'header';
  format: string;
  publicKey: string;
}

/**
 * Consecutive events (seq `firstSeq`, `firstSeq + 1`, ...) that each hash correctly and link to the one
 * before: all that is left to check is the link of the first to the chain, eventId uniqueness and
 * checkpoints. Packed into a few strings and arrays because the run crosses from a worker thread,
 * where per-event objects cost more to copy than to check.
 */
export interface CheckedRun {
  firstSeq: number;
  count: number;
  firstPrevHash: string;
  /** The hashes, 64 hex characters each (a correct hash is exactly that). */
  hashes: string;
  /** The eventIds end to end; the i-th ends at `idEnds[i]`. */
  ids: string;
  idEnds: Uint32Array;
  /** 1 where the event is about the subject the caller asked about. */
  subject: Uint8Array | null;
}

/** One line of an export file, parsed and (for events) checked; `run` stands for many event lines. */
export type CheckedLine =
  | { kind: 'header'; header: HeaderLine }
  | { kind: 'checkpoint'; checkpoint: AuditCheckpoint }
  | { kind: 'event'; event: CheckedEvent }
  | { kind: 'run'; run: CheckedRun }
  | { kind: 'unparsable'; message: string };

/**
 * Parses and checks the complete lines of `text` in order. Blank lines are skipped; any line that is
 * neither a header nor a checkpoint is taken as an event, as the format has always been read.
 */
export function checkLines(text: string, subjectId?: string): CheckedLine[] {
  const out: CheckedLine[] = [];
  const run = new RunBuilder(out, subjectId);
  // JSON strings cannot hold a raw CR or LF, so splitting on either never cuts a value.
  const lines = text.includes('\r') ? text.split(/\r?\n|\r/) : text.split('\n');
  for (const line of lines) {
    if (!line.trim()) continue;
    let parsed: { kind?: unknown } | null;
    try {
      parsed = JSON.parse(line) as { kind?: unknown } | null;
    } catch (err) {
      run.close();
      out.push({ kind: 'unparsable', message: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      run.close();
      out.push({ kind: 'unparsable', message: `not an export line: ${line.slice(0, 40)}` });
    } else if (parsed.kind === 'header') {
      run.close();
      out.push({ kind: 'header', header: parsed as HeaderLine });
    } else if (parsed.kind === 'checkpoint') {
      run.close();
      const { kind: _kind, ...checkpoint } = parsed as AuditCheckpoint & { kind: string };
      out.push({ kind: 'checkpoint', checkpoint });
    } else run.add(checkEvent(parsed as AuditEvent));
  }
  run.close();
  return out;
}

/** Groups well-formed, correctly hashed, linked consecutive events; anything else goes out alone. */
class RunBuilder {
  private events: CheckedEvent[] = [];

  constructor(
    private readonly out: CheckedLine[],
    private readonly subjectId: string | undefined,
  ) {}

  add(event: CheckedEvent): void {
    const last = this.events.at(-1);
    const fits =
      event.verdict === true &&
      typeof (event.eventId as unknown) === 'string' &&
      typeof (event.prevHash as unknown) === 'string' &&
      Number.isSafeInteger(event.seq);
    if (!fits) {
      this.close();
      this.out.push({ kind: 'event', event });
      return;
    }
    if (last && (event.seq !== last.seq + 1 || event.prevHash !== last.hash)) this.close();
    this.events.push(event);
  }

  close(): void {
    const { events } = this;
    if (events.length === 0) return;
    this.events = [];
    if (events.length === 1) {
      this.out.push({ kind: 'event', event: events[0] });
      return;
    }
    const idEnds = new Uint32Array(events.length);
    let end = 0;
    events.forEach((event, index) => {
      end += event.eventId.length;
      idEnds[index] = end;
    });
    const subject = this.subjectId ? new Uint8Array(events.length) : null;
    if (subject)
      events.forEach((event, index) => (subject[index] = event.subjectId === this.subjectId ? 1 : 0));
    this.out.push({
      kind: 'run',
      run: {
        firstSeq: events[0].seq,
        count: events.length,
        firstPrevHash: events[0].prevHash,
        hashes: events.map((event) => event.hash).join(''),
        ids: events.map((event) => event.eventId).join(''),
        idEnds,
        subject,
      },
    });
  }
}

/** The hash of the run's `index`-th event. */
export const runHash = (run: CheckedRun, index: number): string =>
  run.hashes.slice(64 * index, 64 * index + 64);

/** The run's `index`-th event as a single checked event (for the general, out-of-order path). */
export function runEvent(run: CheckedRun, index: number, subjectId: string | undefined): CheckedEvent {
  return {
    seq: run.firstSeq + index,
    eventId: run.ids.slice(index === 0 ? 0 : run.idEnds[index - 1], run.idEnds[index]),
    prevHash: index === 0 ? run.firstPrevHash : runHash(run, index - 1),
    hash: runHash(run, index),
    subjectId: run.subject?.[index] ? subjectId : undefined,
    verdict: true,
  };
}
