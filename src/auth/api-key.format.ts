import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** Every key starts with this, so secret scanners and people can recognise one at a glance. */
export const KEY_PREFIX = 'gck';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_ID_LENGTH = 12;
const SECRET_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const KEY_PATTERN = /^gck_([0-9A-Za-z]{12})_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;

/** The two halves of a well-formed key: the public id we look up, and the secret we compare. */
export interface ParsedKey {
  keyId: string;
  secret: string;
}

/** Random base62 text; rejection sampling keeps every character equally likely (no modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: bytes above it would favour the first characters of the alphabet.
      if (byte < 248 && out.length < length) out += ALPHABET.charAt(byte % 62);
    }
  }
  return out;
}

/** Base62 of an unsigned 32-bit number, left-padded to a fixed width (62^6 > 2^32). */
export function base62Fixed(value: number, width: number): string {
  let rest = value >>> 0;
  let out = '';
  while (rest > 0) {
    out = ALPHABET.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

function checksumOf(body: string): string {
  return base62Fixed(crc32(body), CHECKSUM_LENGTH);
}

/** Builds the full key text from its parts, appending the CRC32 checksum of everything before it. */
export function formatKey(keyId: string, secret: string): string {
  const body = `${KEY_PREFIX}_${keyId}_${secret}`;
  return body + checksumOf(body);
}

/** A new random key: `gck_<keyId 12>_<secret 32><crc32 6>`, all base62. */
export function generateKey(): { key: string } & ParsedKey {
  const keyId = randomBase62(KEY_ID_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  return { key: formatKey(keyId, secret), keyId, secret };
}

/**
 * Splits a key into id and secret when it is well formed and its checksum matches; null otherwise.
 * A typo or a truncated paste is caught here, before any database lookup.
 */
export function parseKey(text: string): ParsedKey | null {
  const match = KEY_PATTERN.exec(text);
  if (!match) return null;
  const [, keyId = '', secret = '', checksum = ''] = match;
  if (checksumOf(`${KEY_PREFIX}_${keyId}_${secret}`) !== checksum) return null;
  return { keyId, secret };
}

/** The key id of a well-formed `Authorization: Bearer` header value, without any lookup; else null. */
export function keyIdFromAuthorization(header: string | undefined): string | null {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  return match?.[1] ? (parseKey(match[1])?.keyId ?? null) : null;
}

export const KEY_FORMAT = { KEY_ID_LENGTH, SECRET_LENGTH, CHECKSUM_LENGTH } as const;
