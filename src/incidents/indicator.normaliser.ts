import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';

/** Indicator kinds a reporter may name; `ip` and `hash` are resolved to their exact kind. */
export const INDICATOR_INPUT_TYPES = [
  'ip',
  'ipv4',
  'ipv6',
  'domain',
  'url',
  'hash',
  'md5',
  'sha1',
  'sha256',
  'email',
] as const;
export type IndicatorInputType = (typeof INDICATOR_INPUT_TYPES)[number];

/** Kinds of a stored, normalised indicator. */
export const INDICATOR_TYPES = ['ipv4', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256', 'email'] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

/** A normalised indicator: equal values mean the same thing, so matching is a string comparison. */
export interface Indicator {
  type: IndicatorType;
  value: string;
}

/** Thrown by {@link normaliseIndicator}: the message is shown to the reporter as is. */
export class IndicatorError extends Error {}

const HASH_BY_LENGTH: Record<number, IndicatorType> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function normaliseIp(value: string, wanted: IndicatorInputType): Indicator {
  if (!ipaddr.isValid(value)) throw new IndicatorError('not an IP address');
  // Short or octal IPv4 forms (`127.1`, `0177.0.0.1`) are read differently by different tools: refuse them.
  if (!value.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(value)) {
    throw new IndicatorError('IPv4 addresses must be four decimal parts');
  }
  const parsed = ipaddr.process(value); // IPv4-mapped IPv6 becomes the IPv4 address it carries
  const type = parsed.kind();
  if (wanted !== 'ip' && wanted !== type) throw new IndicatorError(`not an ${wanted} address`);
  const canonical = type === 'ipv6' ? (parsed as ipaddr.IPv6).toRFC5952String() : parsed.toString();
  return { type, value: canonical };
}

/** Lower-cases, converts IDN to punycode and checks the labels; throws when it is not a host name. */
export function normaliseDomain(value: string): string {
  const trimmed = value.trim().replace(/\.$/, '');
  const ascii = domainToASCII(trimmed.toLowerCase());
  const labels = ascii.split('.');
  if (!ascii || ascii.length > 253 || labels.length < 2 || !labels.every((label) => LABEL.test(label))) {
    throw new IndicatorError('not a domain name');
  }
  return ascii;
}

function normaliseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new IndicatorError('not a URL');
  }
  if (!['http:', 'https:', 'ftp:'].includes(url.protocol) || !url.hostname) {
    throw new IndicatorError('URLs must be http, https or ftp with a host');
  }
  return url.href; // WHATWG serialisation: lower-case scheme and host, punycode, default port dropped
}

function normaliseEmail(value: string): string {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at).trim();
  if (at < 1 || local.length > 64 || /[\s<>]/.test(local)) throw new IndicatorError('not an email address');
  return `${local}@${normaliseDomain(value.slice(at + 1))}`;
}

function normaliseHash(value: string, wanted: IndicatorInputType): Indicator {
  const hex = value.trim().toLowerCase();
  const type = /^[0-9a-f]+$/.test(hex) ? HASH_BY_LENGTH[hex.length] : undefined;
  if (!type) throw new IndicatorError('hashes must be MD5, SHA-1 or SHA-256 in hexadecimal');
  if (wanted !== 'hash' && wanted !== type)
    throw new IndicatorError(`not a ${wanted} hash (length ${hex.length})`);
  return { type, value: hex };
}

/**
 * Normalises one indicator so that two spellings of the same thing compare equal.
 * @throws IndicatorError with a reporter-facing message when the value is not of the named kind.
 */
export function normaliseIndicator(type: IndicatorInputType, value: string): Indicator {
  switch (type) {
    case 'ip':
    case 'ipv4':
    case 'ipv6':
      return normaliseIp(value.trim(), type);
    case 'domain':
      return { type: 'domain', value: normaliseDomain(value) };
    case 'url':
      return { type: 'url', value: normaliseUrl(value) };
    case 'email':
      return { type: 'email', value: normaliseEmail(value) };
    default:
      return normaliseHash(value, type);
  }
}

/** The matching key of an indicator, `<type>:<value>`. */
export const indicatorKey = (indicator: Indicator): string => `${indicator.type}:${indicator.value}`;

/** Keeps the first of each normalised indicator, in order. */
export function dedupeIndicators(indicators: readonly Indicator[]): Indicator[] {
  const seen = new Set<string>();
  return indicators.filter((indicator) => {
    const key = indicatorKey(indicator);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
