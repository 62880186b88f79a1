/**
 * Spreadsheet formula injection (CWE-1236): a cell that starts with `=`, `+`, `-`, `@`, tab or CR is
 * read as a formula by Excel, LibreOffice or Sheets. Incident titles and audit data come from
 * reporters, so every cell is checked, not only "text" columns.
 *
 * Where a spreadsheet may start a cell: the start of the text, and after any character some reader
 * takes for a separator. Our files use `,`, but a spreadsheet set to `;` or tab (common in locales
 * with a decimal comma) splits `a;=1+1` into two cells, the second a formula; quotes do not stop that,
 * since such a reader does not know our quoting. Line breaks start a new row for naive readers too.
 */
const FORMULA_ANYWHERE = /(?:^|[,;\t\n\r])[=+\-@\t\r]/;
const CELL_STARTS = /(^|[,;\t\n\r])(?=[=+\-@\t\r])/g;

/**
 * Prefixes `'` to every formula start a spreadsheet could see: at the start of the text and after a
 * separator character (`,` `;` tab, line break). Other text is left as it is.
 */
export function neutraliseCell(text: string): string {
  // One regexp test for the common case (nothing to change); the rewrite only when needed.
  if (!FORMULA_ANYWHERE.test(text)) return text;
  return text.replace(CELL_STARTS, "$1'");
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

/**
 * True for the cells written in quotes: every text cell (strings, dates, JSON), so a reader never
 * guesses a type from text; numbers, booleans and empty (null) cells are written bare.
 */
export function isTextCell(value: unknown): boolean {
  return !(value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean');
}
