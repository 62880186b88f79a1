import { createHash, randomUUID } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Indicator, IndicatorType, TlpLevel } from './advisory.types.js';
import { tlpLabel } from './tlp.js';

/**
 * TLP 2.0 marking definitions, exactly as published by the OASIS CTI TC in
 * oasis-open/cti-stix-common-objects, extension-definition-specifications/tlp-2.0
 * (extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d). Consumers recognise them by id,
 * so neither the ids nor `created` may be minted here.
 */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
/** Marking-definition id per TLP 2.0 level. */
export const TLP2_MARKING_IDS: Readonly<Record<TlpLevel, string>> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};
const TLP2_CREATED = '2022-10-01T00:00:00.000Z';

/** STIX's namespace for deterministic identifiers (STIX 2.1 §2.9). */
const STIX_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/** A STIX 2.1 object as emitted here. */
export type StixObject = Record<string, unknown> & { type: string; id: string };

/** A STIX 2.1 bundle. */
export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

/** Who publishes the bundle and how it is marked. */
export interface StixExportOptions {
  tlp: TlpLevel;
  /** The CERT, written as an `identity` object every indicator points to. */
  createdBy: { name: string; contact?: string };
  now: Date;
}

/** Raised for an indicator value that cannot be expressed as a STIX pattern. */
export class StixExportError extends Error {
  override readonly name = 'StixExportError';
}

/** RFC 4122 version 5 (SHA-1, name-based) UUID. */
export function uuidV5(name: string, namespace: string = STIX_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Escapes a value for a single-quoted STIX pattern string literal (backslash first). */
export const escapePatternValue = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

const HEX_LENGTH: Partial<Record<IndicatorType, number>> = { md5: 32, sha1: 40, sha256: 64 };

const OBSERVABLE: Record<IndicatorType, string> = {
  ipv4: 'ipv4-addr:value',
  ipv6: 'ipv6-addr:value',
  domain: 'domain-name:value',
  url: 'url:value',
  email: 'email-addr:value',
  md5: 'file:hashes.MD5',
  sha1: "file:hashes.'SHA-1'",
  sha256: "file:hashes.'SHA-256'",
};

function isValid(type: IndicatorType, value: string): boolean {
  const hexLength = HEX_LENGTH[type];
  if (hexLength !== undefined) return new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(value);
  const [ip = '', ...rest] = value.split('/');
  const prefix = rest.at(0);
  const extra = rest.slice(1);
  switch (type) {
    case 'ipv4':
      return (
        extra.length === 0 && isIPv4(ip) && (prefix === undefined || /^(\d|[12]\d|3[0-2])$/.test(prefix))
      );
    case 'ipv6':
      return extra.length === 0 && isIPv6(ip) && (prefix === undefined || /^\d{1,3}$/.test(prefix));
    case 'domain':
      return /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i.test(value);
    case 'email':
      return /^[^\s@]+@[^\s@]+$/.test(value);
    default:
      return URL.canParse(value) && !/\s/.test(value);
  }
}

/** The STIX pattern for one indicator, e.g. `[ipv4-addr:value = '1.2.3.4']`. */
export function stixPattern(indicator: Indicator): string {
  const value = HEX_LENGTH[indicator.type] === undefined ? indicator.value : indicator.value.toLowerCase();
  if (!isValid(indicator.type, value)) {
    throw new StixExportError(`not a valid ${indicator.type} indicator: ${JSON.stringify(indicator.value)}`);
  }
  return `[${OBSERVABLE[indicator.type]} = '${escapePatternValue(value)}']`;
}

/** Case does not matter for hashes, domains and addresses: one indicator, one id. */
const identityKey = (i: Indicator): string => (i.type === 'url' ? i.value : i.value.toLowerCase());

/** The published TLP 2.0 marking-definition object for a level. */
export function tlpMarkingDefinition(tlp: TlpLevel): StixObject {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[tlp],
    created: TLP2_CREATED,
    name: tlpLabel(tlp),
    extensions: {
      [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: tlp.toLowerCase() },
    },
  };
}

/**
 * Builds a STIX 2.1 bundle: the CERT's `identity`, the TLP 2.0 marking definition and one `indicator`
 * per indicator. Indicator ids are UUID v5 of `type:value` so re-exports of the same indicator keep
 * one id (consumers deduplicate); `created`/`modified` are `now`.
 *
 * @throws StixExportError for a value that is not a valid indicator of its type.
 */
export function toStixBundle(indicators: readonly Indicator[], options: StixExportOptions): StixBundle {
  const now = options.now.toISOString();
  const markingRefs = [TLP2_MARKING_IDS[options.tlp]];
  const identityId = `identity--${uuidV5(`identity:${options.createdBy.name}`)}`;
  const identity: StixObject = {
    type: 'identity',
    spec_version: '2.1',
    id: identityId,
    created: now,
    modified: now,
    name: options.createdBy.name,
    identity_class: 'organization',
    ...(options.createdBy.contact === undefined ? {} : { contact_information: options.createdBy.contact }),
    object_marking_refs: markingRefs,
  };
  const objects = indicators.map((indicator): StixObject => {
    const pattern = stixPattern(indicator);
    return {
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${uuidV5(`${indicator.type}:${identityKey(indicator)}`)}`,
      created_by_ref: identityId,
      created: now,
      modified: now,
      name: `${indicator.type} ${indicator.value}`,
      ...(indicator.description === undefined ? {} : { description: indicator.description }),
      pattern,
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: indicator.validFrom === undefined ? now : new Date(indicator.validFrom).toISOString(),
      object_marking_refs: markingRefs,
    };
  });
  return {
    type: 'bundle',
    id: `bundle--${randomUUID()}`,
    objects: [identity, tlpMarkingDefinition(options.tlp), ...objects],
  };
}
