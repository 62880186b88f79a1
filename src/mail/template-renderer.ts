import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { TlpLevel } from '../platform/index.js';
import { type TemplateInput, type TemplateName, TEMPLATE_SCHEMAS } from './template-data.js';
import { type RenderFormat, registerMailHelpers, tlpBanner } from './template-helpers.js';

/** A rendered mail: a one-line subject plus an HTML and a text part. */
export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
  /** The TLP the message carries (null when unmarked). */
  tlp: TlpLevel | null;
}

/** Raised when the data given for a template does not match its schema. */
export class TemplateDataError extends Error {
  override readonly name = 'TemplateDataError';
  constructor(
    readonly template: string,
    readonly details: ReadonlyArray<{ path: string; message: string }>,
  ) {
    const list = details.map((d) => `${d.path === '' ? '(root)' : d.path}: ${d.message}`).join('; ');
    super(`template "${template}": invalid data: ${list}`);
  }
}

type Compiled = Handlebars.TemplateDelegate;
interface CompiledMail {
  subject: Compiled;
  html: Compiled;
  text: Compiled;
}

/*
 * strict: a missing variable throws instead of rendering as nothing. noEscape only for the text
 * part and the subject, which are not HTML; escaping there would show `&amp;` to the reader.
 */
const HTML_OPTIONS: CompileOptions = { strict: true };
const TEXT_OPTIONS: CompileOptions = { strict: true, noEscape: true };
type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/** Control characters (C0, DEL, C1, line/paragraph separators) become spaces in a subject. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Subject line: one line, single spaces, TLP label first when the message carries one. */
export function subjectLine(rendered: string, tlp: TlpLevel | null): string {
  const line = rendered.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return tlp === null ? line : `[${tlpBanner(tlp)}] ${line}`;
}

function tlpOf(data: Record<string, unknown>): TlpLevel | null {
  const advisory = data.advisory as { tlp?: TlpLevel } | undefined;
  return (data.tlp as TlpLevel | null | undefined) ?? advisory?.tlp ?? null;
}

/**
 * Renders the mail templates under a templates directory (`email/<name>/{subject,html,text}.hbs`,
 * `layouts/email.{html,text}.hbs`, `partials/<name>.{html,text}.hbs`) with its own Handlebars instance.
 * Everything is compiled once, here; a template without a data schema (or the reverse) is refused.
 */
export class TemplateRenderer {
  readonly #hb = Handlebars.create();
  readonly #templates = new Map<string, CompiledMail>();

  constructor(templatesDir: string) {
    registerMailHelpers(this.#hb);
    this.#registerPartials(join(templatesDir, 'partials'), '');
    this.#registerPartials(join(templatesDir, 'layouts'), 'layout-');
    const emailDir = join(templatesDir, 'email');
    const names = readdirSync(emailDir).filter((n) => statSync(join(emailDir, n)).isDirectory());
    for (const name of names) {
      if (!(name in TEMPLATE_SCHEMAS)) throw new Error(`mail template "${name}" has no data schema`);
      const read = (file: string): string => readFileSync(join(emailDir, name, file), 'utf8');
      this.#templates.set(name, {
        subject: this.#hb.compile(read('subject.hbs'), TEXT_OPTIONS),
        html: this.#hb.compile(read('html.hbs'), HTML_OPTIONS),
        text: this.#hb.compile(read('text.hbs'), TEXT_OPTIONS),
      });
    }
    const missing = Object.keys(TEMPLATE_SCHEMAS).filter((n) => !this.#templates.has(n));
    if (missing.length > 0) throw new Error(`mail templates missing in ${emailDir}: ${missing.join(', ')}`);
    // Compile now so a syntax error fails at start, not at the first send.
    for (const mail of this.#templates.values()) [mail.subject, mail.html, mail.text].forEach(compileNow);
  }

  /** The template names this renderer knows. */
  get names(): TemplateName[] {
    return [...this.#templates.keys()] as TemplateName[];
  }

  /**
   * Validates `data` against the template's schema, then renders subject, HTML and text.
   * @throws TemplateDataError naming the template and every bad field.
   */
  render<N extends TemplateName>(name: N, data: TemplateInput<N>): RenderedMail {
    const mail = this.#templates.get(name);
    const schema = TEMPLATE_SCHEMAS[name] as (typeof TEMPLATE_SCHEMAS)[TemplateName] | undefined;
    if (mail === undefined || schema === undefined) throw new Error(`unknown mail template "${name}"`);
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new TemplateDataError(
        name,
        parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      );
    }
    const context = parsed.data as Record<string, unknown>;
    const tlp = tlpOf(context);
    const run = (t: Compiled, format: RenderFormat, extra: object = {}): string =>
      t(context, { data: { format, tlp, ...extra } });
    const subject = subjectLine(run(mail.subject, 'subject'), tlp);
    return {
      subject,
      html: run(mail.html, 'html', { subject }),
      text: run(mail.text, 'text', { subject }),
      tlp,
    };
  }

  #registerPartials(dir: string, prefix: string): void {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
      const base = file.slice(0, -'.hbs'.length);
      const options = base.endsWith('.html') ? HTML_OPTIONS : TEXT_OPTIONS;
      const partial = this.#hb.compile(readFileSync(join(dir, file), 'utf8'), options);
      compileNow(partial);
      // `tlp-banner.html.hbs` becomes `tlp-banner-html`: dots would read as a path in `{{> }}`.
      this.#hb.registerPartial(prefix + base.replace(/\./g, '-'), partial);
    }
  }
}

/**
 * Handlebars' `compile` only parses and generates code on the first call. `_setup` is the internal
 * hook the runtime calls first; calling it here compiles now, so a broken template fails at start
 * and no request pays for compilation. Guarded: if a future Handlebars drops it, compilation simply
 * stays lazy (still once).
 */
function compileNow(template: Compiled): void {
  const setup = (template as unknown as { _setup?: (options: object) => unknown })._setup;
  if (typeof setup === 'function') setup.call(template, {});
}
