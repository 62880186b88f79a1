import { Worker } from 'node:worker_threads';
import type { CheckedLine } from './checked-lines.js';

/** A thread running `line-check-thread` (the built `.js` next to this file, or its `.ts` source). */
function startThread(): Worker {
  // The path, not the URL: tsx's tsImport (bin/govcert.js in a checkout) adds a `?tsx-namespace=` query.
  if (!new URL(import.meta.url).pathname.endsWith('.ts')) {
    return new Worker(new URL('./line-check-thread.js', import.meta.url));
  }
  // Run from source (tsx: tests, bench, dev): Node 20 threads do not inherit the TypeScript loader.
  const loader = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./line-check-thread.ts', import.meta.url).href);
  return new Worker(`import(${loader}).then((tsx) => { tsx.register(); return import(${entry}); });`, {
    eval: true,
  });
}

interface Pending {
  resolve: (lines: CheckedLine[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Worker threads that parse and hash chunks of an export file (`checkLines`). Hashing an event needs
 * nothing from other events, so chunks go round-robin to the threads and come back in any order;
 * the caller awaits them in file order and checks the linkage itself.
 */
export class LineCheckPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor(
    size: number,
    private readonly subjectId?: string,
  ) {
    this.workers = Array.from({ length: size }, () => {
      const worker = startThread();
      worker.on('message', (message: { id: number; lines: CheckedLine[] }) => {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        pending?.resolve(message.lines);
      });
      worker.on('error', (err) => {
        this.fail(err);
      });
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`line-check thread exited with code ${code}`));
      });
      return worker;
    });
  }

  /** Parses and checks the complete lines in `bytes`; the bytes' buffer is moved to the thread. */
  check(bytes: Uint8Array<ArrayBuffer>): Promise<CheckedLine[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId;
    this.nextId += 1;
    const worker = this.workers[id % this.workers.length];
    return new Promise<CheckedLine[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, bytes, subjectId: this.subjectId }, [bytes.buffer]);
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('line-check pool closed'));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private fail(err: unknown): void {
    this.failure ??= err instanceof Error ? err : new Error(String(err));
    for (const pending of this.pending.values()) pending.reject(err);
    this.pending.clear();
  }
}
