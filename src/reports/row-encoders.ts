import { Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import { csvCell } from './csv-safety.js';
import type { ReportRow } from './report.types.js';

/**
 * CSV with a header line, RFC 4180 quoting and every cell passed through {@link csvCell}. A UTF-8 BOM
 * goes first so Excel reads Chinese bureau names and titles correctly.
 */
export function csvEncoder(columns: readonly string[]): Transform {
  return stringify({
    header: true,
    bom: true,
    columns: columns.map((key) => ({ key })),
    cast: {
      string: (value) => csvCell(value),
      number: (value) => csvCell(value),
      boolean: (value) => csvCell(value),
      date: (value) => csvCell(value),
      object: (value) => csvCell(value),
    },
  });
}

/** One JSON object per line. */
export function ndjsonEncoder(): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(row: unknown, _encoding, done) {
      done(null, `${JSON.stringify(row)}\n`);
    },
  });
}

/** Counts the rows passing through and reports every `every` rows (progress of long exports). */
export function rowCounter(onProgress: (rows: number) => void, every = 5000): Transform & { rows: number } {
  let rows = 0;
  const counter = new Transform({
    objectMode: true,
    transform(row: ReportRow, _encoding, done) {
      rows += 1;
      if (rows % every === 0) onProgress(rows);
      done(null, row);
    },
    flush(done) {
      onProgress(rows);
      done();
    },
  });
  return Object.defineProperty(counter, 'rows', { get: () => rows }) as Transform & { rows: number };
}
