import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import type { ReportRow } from './report.types.js';

/** The page templates under `templates/reports/`; partials live in `templates/reports/partials/`. */
export const REPORT_TEMPLATES = [
  'document-start',
  'document-end',
  'section-start',
  'section-end',
  'row',
  'compliance-figures',
  'trail-proof',
] as const;
export type ReportTemplate = (typeof REPORT_TEMPLATES)[number];

/** A table cell: its text, and a CSS class for outcome values (breached, late, missed...). */
export interface Cell {
  text: string;
  cls: string;
}

const OUTCOME_CLASSES = new Set([
  'met',
  'on_time',
  'breached',
  'late',
  'missed',
  'open',
  'pending',
  'failed',
  'bounced',
]);

/** `3d 04h`, `2h 05m`, `45m`, `30s`: durations as people read them. */
export function humanDuration(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d ${pad(Math.floor((s % 86_400) / 3600))}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m`;
  return `${s}s`;
}

/**
 * Renders the HTML reports with a Handlebars instance of its own: every template compiled once at
 * start, `strict` so a missing field fails in tests instead of printing nothing, HTML-escaped output
 * only (no triple-stash in any report template), prototype access left at Handlebars' safe default.
 */
export class ReportHtmlRenderer {
  readonly #hb = Handlebars.create();
  readonly #templates = new Map<ReportTemplate, Handlebars.TemplateDelegate>();

  constructor(templatesDir: string) {
    this.#hb.registerHelper('duration', (value: unknown) => humanDuration(value));
    this.#hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    const partials = join(templatesDir, 'partials');
    for (const file of readdirSync(partials).filter((f) => f.endsWith('.hbs'))) {
      this.#hb.registerPartial(basename(file, '.hbs'), readFileSync(join(partials, file), 'utf8'));
    }
    for (const name of REPORT_TEMPLATES) {
      const source = readFileSync(join(templatesDir, `${name}.hbs`), 'utf8');
      if (source.includes('{{{')) throw new Error(`report template ${name} uses a triple-stash`);
      this.#hb.parse(source); // a syntax error stops the start, not the first export
      this.#templates.set(name, this.#hb.compile(source, { strict: true }));
    }
  }

  render(name: ReportTemplate, data: object): string {
    const template = this.#templates.get(name);
    if (!template) throw new Error(`unknown report template ${name}`);
    return template(data);
  }

  /** One table row of a section, its cells in column order. */
  row(row: ReportRow, columns: readonly string[]): string {
    const cells: Cell[] = columns.map((column) => {
      const value = row[column];
      const text = value === null ? '' : String(value);
      return { text, cls: OUTCOME_CLASSES.has(text) ? text : '' };
    });
    return this.render('row', { cells });
  }
}
