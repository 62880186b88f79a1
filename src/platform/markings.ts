/**
 * Information markings shared by incidents and advisories (a kernel word: several modules use it, none
 * owns it). Labels are upper case and never translated (FIRST TLP 2.0).
 */

/** TLP 2.0 levels (FIRST), from the widest to the narrowest audience. */
export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
/** A TLP 2.0 level, without the `TLP:` prefix. */
export type TlpLevel = (typeof TLP_LEVELS)[number];

/** Where a recipient sits relative to the CERT: what a TLP level lets them receive. */
export type RecipientCircle = 'internal' | 'constituent' | 'partner' | 'community' | 'public';

/** Indicator kinds (incidents collect them, advisories and their STIX export carry them). */
export const INDICATOR_TYPES = ['ipv4', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256', 'email'] as const;
/** One indicator kind. */
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

/** PAP levels: what a recipient may do with the information. */
export const PAP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'RED'] as const;
/** A PAP level, without the `PAP:` prefix. */
export type PapLevel = (typeof PAP_LEVELS)[number];

/**
 * An incident's markings when the report names none (and on incidents stored before they existed).
 * AMBER/AMBER: a bureau's report is shared on a need-to-know basis within the CERT and the bureaux it
 * concerns, never wider, until a responder decides otherwise; CLEAR or GREEN would let a marking nobody
 * chose widen the audience, RED or AMBER+STRICT would stop the CERT from coordinating across bureaux.
 * PAP:AMBER allows passive cross-checks (matching the indicators elsewhere), no active steps.
 */
export const DEFAULT_INCIDENT_TLP: TlpLevel = 'AMBER';
export const DEFAULT_INCIDENT_PAP: PapLevel = 'AMBER';
