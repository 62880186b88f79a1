import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { AuditCheckpoint, VerifyReport } from './audit-event.types.js';
import { ChainVerifier } from './chain-verifier.js';
import { checkLines, type CheckedLine } from './checked-lines.js';
import { parsePublicKey } from './checkpoint-signer.js';
import { LineCheckPool } from './line-check-pool.js';

/** An offline verification's report, plus where the trusted key came from. */
export interface OfflineReport extends VerifyReport {
  /** 'supplied' when the auditor gave the key; 'embedded' when the file's own key was used. */
  publicKeySource: 'supplied' | 'embedded';
}

export interface OfflineOptions {
  publicKeyPem?: string;
  subjectId?: string;
}

/** How the file is read: tests force both paths; the defaults are what the benchmark measured best. */
export interface OfflineTuning {
  /** Worker threads that parse and hash; 0 does it all on this thread. */
  threads?: number;
  /** Bytes read per chunk (a chunk is cut at the last line break in it). */
  chunkBytes?: number;
}

/** Below this size starting threads costs more than it saves (~30,000 events). */
const THREADS_FROM_BYTES = 16 << 20;
const CHUNK_BYTES = 1 << 20;

/**
 * Verifies an export file with no database. Pass the public key obtained independently: the key in
 * the file proves only that the file is self-consistent, not who signed it.
 */
export function verifyExportFile(path: string, options: OfflineOptions = {}): Promise<OfflineReport> {
  return verifyExportFileWith(path, options);
}

/**
 * Chunks of lines are parsed and hashed on worker threads (that is ~90% of the work, and independent
 * per event); their results are taken in file order here, where the chain linkage, eventId uniqueness
 * and checkpoints are checked exactly as for a database-resident chain.
 */
export async function verifyExportFileWith(
  path: string,
  options: OfflineOptions,
  tuning: OfflineTuning = {},
): Promise<OfflineReport> {
  const threads =
    tuning.threads ??
    ((await stat(path)).size >= THREADS_FROM_BYTES ? Math.min(availableParallelism(), 4) : 0);
  const pool = threads > 0 ? new LineCheckPool(threads, options.subjectId) : null;
  const check = (bytes: Uint8Array<ArrayBuffer>): Promise<CheckedLine[]> =>
    pool
      ? pool.check(bytes)
      : Promise.resolve(
          checkLines(
            Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
            options.subjectId,
          ),
        );
  const file = new ExportFileCheck(options);
  const inFlight: Array<Promise<CheckedLine[]>> = [];
  try {
    for await (const chunk of lineChunks(path, tuning.chunkBytes ?? CHUNK_BYTES)) {
      const result = check(chunk);
      result.catch(() => undefined); // awaited below, in order; this only marks it handled meanwhile
      inFlight.push(result);
      // Two chunks per thread in flight keep every thread busy without reading the file ahead unbounded.
      const oldest = inFlight.length >= 2 * Math.max(threads, 1) ? inFlight.shift() : undefined;
      if (oldest) file.take(await oldest);
    }
    for (let next = inFlight.shift(); next; next = inFlight.shift()) file.take(await next);
  } finally {
    await pool?.close();
  }
  return file.finish();
}

/** The export format's rules over checked lines, in file order. */
class ExportFileCheck {
  private verifier: ChainVerifier | null = null;
  private source: OfflineReport['publicKeySource'] = 'supplied';
  private readonly checkpoints: AuditCheckpoint[] = [];

  constructor(private readonly options: OfflineOptions) {}

  take(lines: readonly CheckedLine[]): void {
    for (const line of lines) {
      if (line.kind === 'unparsable') throw new SyntaxError(line.message);
      if (line.kind === 'header') {
        if (line.header.format !== 'govcert-audit/1')
          throw new Error(`unknown export format ${line.header.format}`);
        this.source = this.options.publicKeyPem ? 'supplied' : 'embedded';
        const publicKey = parsePublicKey(this.options.publicKeyPem ?? line.header.publicKey);
        const { subjectId } = this.options;
        this.verifier = new ChainVerifier(subjectId ? { publicKey, subjectId } : { publicKey });
      } else if (!this.verifier) {
        throw new Error('export file does not start with a header line');
      } else if (line.kind === 'checkpoint') {
        this.checkpoints.push(line.checkpoint);
      } else {
        if (this.checkpoints.length > 0) this.verifier.addCheckpoints(this.checkpoints.splice(0));
        if (line.kind === 'run') this.verifier.pushRun(line.run);
        else this.verifier.pushChecked(line.event);
      }
    }
  }

  finish(): OfflineReport {
    if (!this.verifier) throw new Error('export file is empty');
    if (this.checkpoints.length > 0) this.verifier.addCheckpoints(this.checkpoints);
    return { ...this.verifier.finish(), publicKeySource: this.source };
  }
}

/**
 * The file in chunks of whole lines, each in a buffer of its own (so it can be moved to a thread).
 * Cuts after the last LF or CR: UTF-8 never has those bytes inside a character, JSON never in a value.
 */
async function* lineChunks(path: string, chunkBytes: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const handle = await open(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    for (;;) {
      const buffer = Buffer.allocUnsafeSlow(carry.length + chunkBytes);
      carry.copy(buffer, 0);
      const { bytesRead } = await handle.read(buffer, carry.length, chunkBytes, null);
      const filled = carry.length + bytesRead;
      if (bytesRead === 0) {
        if (filled > 0) yield buffer.subarray(0, filled);
        return;
      }
      const cut = Math.max(buffer.lastIndexOf(0x0a, filled - 1), buffer.lastIndexOf(0x0d, filled - 1)) + 1;
      carry = Buffer.from(buffer.subarray(cut, filled));
      if (cut > 0) yield buffer.subarray(0, cut);
    }
  } finally {
    await handle.close();
  }
}
