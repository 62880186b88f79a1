/**
 * Spreadsheet formula injection (CWE-1236): a cell that starts with one of these is read as a formula
 * by Excel, LibreOffice or Sheets. Incident titles and audit data come from reporters, so every cell is
 * checked, not only "text" columns.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes `'` to a cell that a spreadsheet would take for a formula; other text is left as it is. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * The text of one CSV cell: null is empty, numbers and booleans as written, dates in ISO 8601, nested
 * values as JSON, and the result neutralised. Negative numbers stay numbers: a number cell is never a
 * formula, and `'-5` would turn a figure into text.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return neutraliseCell(text);
}
