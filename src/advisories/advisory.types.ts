/**
 * Plain data shapes for advisories, shared by the TLP rules, the CSAF export and the STIX export.
 * No persistence concerns here: the repository (phase 2) maps its documents onto these.
 */

import type { IndicatorType, PapLevel, TlpLevel } from '../platform/index.js';

// The markings are a kernel word (incidents carry them too); re-exported for the advisory code.
export { TLP_LEVELS, PAP_LEVELS, type TlpLevel, type PapLevel } from '../platform/index.js';

/** CVSS v4.0 qualitative bands (domain.md). */
export type CvssBand = 'None' | 'Low' | 'Medium' | 'High' | 'Critical';

/** One published revision of an advisory; the last one is the current version. */
export interface AdvisoryRevision {
  /** Integer version as a string (`'1'`, `'2'`), as CSAF integer versioning expects. */
  number: string;
  /** ISO 8601 date-time (UTC) the revision was released. */
  date: string;
  summary: string;
}

/** An external reference (vendor bulletin, CVE record, news item). */
export interface AdvisoryReference {
  title: string;
  url: string;
}

/** A product named by a security advisory; `productId` is referenced by vulnerabilities. */
export interface AdvisoryProduct {
  productId: string;
  name: string;
  cpe?: string;
}

/** A CVSS v3.x score as CSAF 2.0 can carry it. */
export interface CvssV3Score {
  version: '3.0' | '3.1';
  vectorString: string;
  baseScore: number;
  baseSeverity: 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
}

/** A CVSS v4.0 score: CSAF 2.0 has no field for it, so the export writes it as a note. */
export interface CvssV4Score {
  baseScore: number;
  vectorString: string;
}

/** A vulnerability covered by a security advisory. */
export interface AdvisoryVulnerability {
  cve?: string;
  title: string;
  description: string;
  cvssV4?: CvssV4Score;
  cvssV3?: CvssV3Score;
  /** Product ids (from `Advisory.products`) known to be affected. */
  knownAffected: string[];
  /** Product ids with a fix. */
  fixed?: string[];
  remediation?: {
    category: 'mitigation' | 'vendor_fix' | 'workaround' | 'none_available';
    details: string;
    url?: string;
  };
}

/** An advisory as drafted, reviewed and sent by the CERT. */
export interface Advisory {
  /** Tracking id, e.g. `GOVCERT-HK-2026-0012`. */
  id: string;
  title: string;
  tlp: TlpLevel;
  pap: PapLevel;
  summary: string;
  recommendations: string[];
  references: AdvisoryReference[];
  affectedSystems: string[];
  status: 'draft' | 'interim' | 'final';
  /** Oldest first; at least one. */
  revisions: AdvisoryRevision[];
  /** The one organisation a `TLP:AMBER+STRICT` advisory is addressed to. */
  targetOrganisation?: string;
  products?: AdvisoryProduct[];
  vulnerabilities?: AdvisoryVulnerability[];
}

// Indicator kinds are a kernel word too (the STIX export knows each of them).
export { INDICATOR_TYPES, type IndicatorType } from '../platform/index.js';

/** An indicator of compromise, already normalised by intake. */
export interface Indicator {
  type: IndicatorType;
  value: string;
  description?: string;
  /** ISO 8601; defaults to the export time. */
  validFrom?: string;
}
