import Handlebars from 'handlebars';
import { type TlpLevel, hkWallClock, toDate, utcSeconds } from '../platform/index.js';

type HelperOptions = Handlebars.HelperOptions;

/** `format` is set per render in Handlebars' `@data`: helpers escape for HTML only in the HTML part. */
export type RenderFormat = 'html' | 'text' | 'subject';

/** `2026-11-21 18:04 HKT` (Asia/Hong_Kong; Hong Kong has no daylight saving). */
export function hkTime(value: unknown): string {
  return `${hkWallClock(toDate(value, 'hkTime'))} HKT`;
}

/** ISO 8601 in UTC without milliseconds, e.g. `2026-11-21T10:04:00Z`. */
export const utc = (value: unknown): string => utcSeconds(toDate(value, 'utc'));

/** `TLP:AMBER+STRICT` from `amber+strict` or `TLP:AMBER+STRICT`. */
export function tlpBanner(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError('tlpBanner: no TLP level given');
  return `TLP:${value.trim().toUpperCase().replace(/^TLP:/, '')}`;
}

/**
 * TLP 2.0 label colours (FIRST, "TLP 2.0 colour-coding"): the label in the level's colour on black.
 * AMBER+STRICT is amber like AMBER. Each clears WCAG AA (4.5:1) against black; the mail tests check it.
 */
export const TLP_COLOURS = {
  RED: '#FF2B2B',
  'AMBER+STRICT': '#FFC000',
  AMBER: '#FFC000',
  GREEN: '#33FF00',
  CLEAR: '#FFFFFF',
} as const satisfies Record<TlpLevel, string>;

/** The TLP 2.0 colour of a level given as `AMBER`, `amber+strict` or `TLP:RED`. */
export function tlpColour(value: unknown): string {
  const level = tlpBanner(value).slice('TLP:'.length);
  if (!Object.hasOwn(TLP_COLOURS, level))
    throw new TypeError(`tlpColour: not a TLP 2.0 level: ${JSON.stringify(value)}`);
  return TLP_COLOURS[level as TlpLevel];
}

/**
 * An indicator as mail shows it, defanged so that no mail client turns a malicious address into a
 * link or a click-to-send address: `hxxps://evil[.]example/x`, `bad[@]evil[.]example`,
 * `198[.]51[.]100[.]23`. Hashes and IPv6 addresses are never linkified and stay as they are.
 */
export function defang(type: unknown, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError('defang: no indicator value given');
  switch (type) {
    case 'url':
      return value.replace(/^http/i, 'hxxp').replace(/\./g, '[.]');
    case 'email':
      return value.replace(/@/g, '[@]').replace(/\./g, '[.]');
    case 'domain':
    case 'ipv4':
      return value.replace(/\./g, '[.]');
    default:
      return value;
  }
}

function formatOf(options: HelperOptions): RenderFormat {
  const data: unknown = options.data;
  const format = (data as { format?: unknown } | undefined)?.format;
  return format === 'text' || format === 'subject' ? format : 'html';
}

/** Loopback hosts: the only ones an http (not https) link may point at (a console on this machine). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * True for an https URL, or an http one to a loopback host (the embedded demo's console at
 * http://127.0.0.1:8080 is reachable only from the machine itself, so nothing is sent in clear).
 */
export function isLinkable(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/**
 * `{{safeLink url label}}`: an `<a>` for an https URL (or http to a loopback host, see `isLinkable`) in
 * the HTML part, `label <url>` in text; anything else (javascript:, http: elsewhere, garbage) renders
 * as plain escaped text, never as a link.
 */
function safeLink(url: unknown, ...rest: unknown[]): string | Handlebars.SafeString {
  const options = rest.pop() as HelperOptions;
  const raw = typeof url === 'string' ? url : '';
  const label = typeof rest[0] === 'string' && rest[0] !== '' ? rest[0] : raw;
  const format = formatOf(options);
  const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
  const https = parsed !== undefined && isLinkable(parsed) && !/[\s<>"]/.test(raw);
  if (format !== 'html')
    return https && label !== raw ? `${label} <${raw}>` : label === raw ? raw : `${label} (${raw})`;
  const esc = Handlebars.Utils.escapeExpression;
  if (!https) return label === raw ? esc(raw) : `${esc(label)} (${esc(raw)})`;
  return new Handlebars.SafeString(`<a href="${esc(parsed.href)}">${esc(label)}</a>`);
}

/** Registers the mail helpers on a renderer's own Handlebars instance. */
export function registerMailHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('hkTime', (value: unknown) => hkTime(value));
  hb.registerHelper('utc', (value: unknown) => utc(value));
  hb.registerHelper('tlpBanner', (value: unknown) => tlpBanner(value));
  hb.registerHelper('tlpColour', (value: unknown) => tlpColour(value));
  hb.registerHelper('defang', (type: unknown, value: unknown) => defang(type, value));
  hb.registerHelper('safeLink', safeLink);
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
}
