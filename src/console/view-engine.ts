import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Handlebars from 'handlebars';
import type { Language } from '../accounts/index.js';
import { hkWallClock, toDate, utcSeconds } from '../platform/index.js';
import type { Translator } from './i18n.js';

type HelperOptions = Handlebars.HelperOptions;

function languageOf(options: HelperOptions): Language {
  const data = options.data as { root?: { page?: { lang?: Language } } } | undefined;
  const lang = data?.root?.page?.lang;
  if (!lang) throw new Error('page.lang missing from the view data');
  return lang;
}

function* templateFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* templateFiles(path);
    else if (entry.name.endsWith('.hbs')) yield path;
  }
}

/**
 * The console's own Handlebars instance: pages, layouts and partials under `<TEMPLATE_DIR>/web`,
 * compiled once at start in strict mode (a missing value fails, in tests first). Layouts are partials
 * used as blocks (`{{#> layouts/main}}...{{/layouts/main}}`), so no page needs a triple-stash. Helpers:
 * `t` (a message in the page's language), `time` (Hong Kong time, UTC in the title), `tlp`, `eq`.
 */
export class ViewEngine {
  private readonly hb = Handlebars.create();
  private readonly pages = new Map<string, Handlebars.TemplateDelegate>();

  constructor(
    root: string,
    private readonly translator: Translator,
  ) {
    this.registerHelpers();
    for (const kind of ['layouts', 'partials']) {
      for (const file of templateFiles(join(root, kind))) {
        const name = relative(root, file).replace(/\.hbs$/, '');
        this.hb.registerPartial(name, this.hb.compile(readFileSync(file, 'utf8'), { strict: true }));
      }
    }
    const pagesDir = join(root, 'pages');
    for (const file of templateFiles(pagesDir)) {
      const name = relative(pagesDir, file).replace(/\.hbs$/, '');
      const template = this.hb.compile(readFileSync(file, 'utf8'), { strict: true });
      this.pages.set(name, template);
    }
  }

  /** Renders page `name` with `data` (which must hold `page`, the layout's data). */
  render(name: string, data: Record<string, unknown>): string {
    const template = this.pages.get(name);
    if (!template) throw new Error(`no console page template ${name}`);
    return template(data);
  }

  has(name: string): boolean {
    return this.pages.has(name);
  }

  private registerHelpers(): void {
    const hb = this.hb;
    const translator = this.translator;
    hb.registerHelper('t', function (key: unknown, options: HelperOptions) {
      if (typeof key !== 'string') throw new TypeError('t: the message key must be a string');
      return translator.t(languageOf(options), key, options.hash as Record<string, unknown>);
    });
    // A field error is a message key (forms' own checks) or a service's plain text: shown either way.
    hb.registerHelper('msg', function (text: unknown, options: HelperOptions) {
      if (typeof text !== 'string') throw new TypeError('msg: not a message');
      const values = options.hash as Record<string, unknown>;
      return translator.has(text) ? translator.t(languageOf(options), text, values) : text;
    });
    hb.registerHelper('time', function (value: unknown, options: HelperOptions) {
      const date = toDate(value, 'time');
      const lang = languageOf(options);
      const shown = `${hkWallClock(date)} ${translator.t(lang, 'common.hkt')}`;
      const utc = utcSeconds(date);
      const title = translator.t(lang, 'common.utcTitle', { utc });
      const esc = Handlebars.Utils.escapeExpression;
      return new Handlebars.SafeString(
        `<time datetime="${esc(utc)}" title="${esc(title)}">${esc(shown)}</time>`,
      );
    });
    // TLP 2.0: the label is never translated, whatever the page's language.
    hb.registerHelper('tlp', (value: unknown) => {
      if (typeof value !== 'string' || value.trim() === '') throw new TypeError('tlp: no level');
      return `TLP:${value.trim().toUpperCase().replace(/^TLP:/, '')}`;
    });
    hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  }
}
