/**
 * Lays rows out as fixed-width columns under a header, for people at a terminal (the CLI, the demo
 * keys printed at start). `rule` adds a dashed line under the header.
 */
export function formatTable(header: string[], rows: string[][], options: { rule?: boolean } = {}): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = options.rule ? [line(widths.map((width) => '-'.repeat(width)))] : [];
  return [line(header), ...rule, ...rows.map(line)].join('\n');
}
