import { AppError, ValidationError, formatTable } from '../platform/index.js';

/** Prints rows as fixed-width columns under a header. */
export function printTable(header: string[], rows: string[][]): void {
  console.log(formatTable(header, rows));
  if (rows.length === 0) console.log('(none)');
}

/** Turns an error into lines for a person at a terminal: field problems one per line, no stack. */
export function describeError(err: unknown): string {
  if (err instanceof ValidationError) {
    return [
      '✗ invalid input:',
      ...err.problems.map((p) => `  ${p.path.replace(/^(body|\.)\.?/, '') || 'input'}: ${p.message}`),
    ].join('\n');
  }
  if (err instanceof AppError) return `✗ ${err.message}`;
  return `✗ ${err instanceof Error ? err.message : String(err)}`;
}
