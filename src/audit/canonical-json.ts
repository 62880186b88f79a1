import canonicalize from 'canonicalize';

/** Past this nesting the library takes over: it detects cycles, where plain recursion would overflow. */
const MAX_FAST_DEPTH = 64;

/** `String.prototype.isWellFormed` (ES2024, native since Node 20); the project's lib is ES2023. */
const isWellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * RFC 8785 canonical JSON, the same bytes (and the same errors) as `canonicalize`, measured ~3x faster
 * on audit events. The library scans every string char by char in JS for lone surrogates and tracks
 * visited objects in a Set; here the scan is the native `isWellFormed`, and cycles are left to the
 * library past a depth no real event reaches. Everything unusual (toJSON, undefined, functions,
 * symbols, bigint, NaN) is handed to the library, so its behaviour is the definition. Returns
 * undefined where `canonicalize` does. A property test (test/unit/audit) holds the two equal.
 */
export function fastCanonicalize(value: unknown, depth = 0): string | undefined {
  switch (typeof value) {
    case 'string':
      return isWellFormed(value) ? JSON.stringify(value) : canonicalize(value);
    case 'number':
      // Finite numbers: JSON.stringify is Number::toString, which is RFC 8785's number form.
      return Number.isFinite(value) ? String(value) : canonicalize(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth > MAX_FAST_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        return canonicalize(value);
      }
      return Array.isArray(value) ? arrayJson(value, depth + 1) : objectJson(value, depth + 1);
    default:
      return canonicalize(value);
  }
}

function arrayJson(array: readonly unknown[], depth: number): string {
  let out = '[';
  for (let index = 0; index < array.length; index += 1) {
    if (index > 0) out += ',';
    // `Array.prototype.map` (the library's loop) skips holes, and `join` writes them as nothing.
    if (!(index in array)) continue;
    const item = array[index];
    out += fastCanonicalize(item === undefined || typeof item === 'symbol' ? null : item, depth) ?? '';
  }
  return `${out}]`;
}

function objectJson(object: object, depth: number): string {
  const record = object as Record<string, unknown>;
  let out = '{';
  let first = true;
  // Default sort compares UTF-16 code units, which is RFC 8785's key order.
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined || typeof item === 'symbol') continue;
    const name = isWellFormed(key) ? JSON.stringify(key) : canonicalize(key);
    // A template literal, as in the library: a function value writes "undefined" there too.
    out += `${first ? '' : ','}${name}:${fastCanonicalize(item, depth)}`;
    first = false;
  }
  return `${out}}`;
}
