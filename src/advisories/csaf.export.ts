import type { Advisory, AdvisoryVulnerability, CvssBand, TlpLevel } from './advisory.types.js';
import { papLabel, tlpLabel } from './tlp.js';

/** The CSAF `document.publisher` block (CSAF 2.0 §3.2.1.8). */
export interface CsafPublisher {
  category: 'coordinator' | 'discoverer' | 'other' | 'translator' | 'user' | 'vendor';
  name: string;
  /** A URL the publisher controls, e.g. `https://www.govcert.gov.hk`. */
  namespace: string;
  contact_details?: string;
  issuing_authority?: string;
}

/** A CSAF 2.0 JSON document (only the parts this exporter writes are typed). */
export interface CsafDocument {
  document: Record<string, unknown> & { category: string; csaf_version: '2.0' };
  product_tree?: Record<string, unknown>;
  vulnerabilities?: Record<string, unknown>[];
}

/** Raised when an advisory cannot be expressed in CSAF 2.0; `message` says what to change. */
export class CsafExportError extends Error {
  override readonly name = 'CsafExportError';
}

/** CSAF 2.0 only knows TLP 1.0 labels. */
const CSAF_TLP: Record<Exclude<TlpLevel, 'AMBER+STRICT'>, string> = {
  CLEAR: 'WHITE',
  GREEN: 'GREEN',
  AMBER: 'AMBER',
  RED: 'RED',
};

/** CVSS v4.0 qualitative band of a base score (domain.md). */
export function cvssV4Band(score: number): CvssBand {
  if (!(score >= 0 && score <= 10)) throw new RangeError(`CVSS score out of range: ${score}`);
  if (score === 0) return 'None';
  if (score < 4) return 'Low';
  if (score < 7) return 'Medium';
  if (score < 9) return 'High';
  return 'Critical';
}

function csafTlp(tlp: TlpLevel): string {
  if (tlp === 'AMBER+STRICT') {
    throw new CsafExportError(
      'TLP:AMBER+STRICT cannot be exported: CSAF 2.0 knows TLP 1.0 labels only (WHITE, GREEN, AMBER, RED). ' +
        'Re-mark the advisory (for example TLP:AMBER) if its source agrees, or share it outside CSAF.',
    );
  }
  return CSAF_TLP[tlp];
}

function tracking(advisory: Advisory): Record<string, unknown> {
  const first = advisory.revisions.at(0);
  const last = advisory.revisions.at(-1);
  if (first === undefined || last === undefined) {
    throw new CsafExportError(`advisory ${advisory.id} has no revision: CSAF needs a revision history`);
  }
  return {
    id: advisory.id,
    status: advisory.status,
    version: last.number,
    initial_release_date: first.date,
    current_release_date: last.date,
    revision_history: advisory.revisions.map((r) => ({ date: r.date, number: r.number, summary: r.summary })),
    generator: { engine: { name: 'govcert-ir' } },
  };
}

function documentNotes(advisory: Advisory): Record<string, string>[] {
  const notes = [{ category: 'summary', title: 'Summary', text: advisory.summary }];
  if (advisory.affectedSystems.length > 0) {
    notes.push({ category: 'details', title: 'Affected systems', text: advisory.affectedSystems.join('\n') });
  }
  if (advisory.recommendations.length > 0) {
    const text = advisory.recommendations.map((r) => `- ${r}`).join('\n');
    notes.push({ category: 'general', title: 'Recommendations', text });
  }
  notes.push({
    category: 'other',
    title: 'Permissible Actions Protocol',
    text: `${papLabel(advisory.pap)}: what recipients may do with this information.`,
  });
  return notes;
}

function vulnerability(v: AdvisoryVulnerability): Record<string, unknown> {
  const notes = [{ category: 'description', title: 'Description', text: v.description }];
  if (v.cvssV4 !== undefined) {
    // CSAF 2.0 scores hold CVSS v2/v3 only; v4 travels as a note so it is not lost.
    const band = cvssV4Band(v.cvssV4.baseScore);
    const text = `CVSS v4.0 base score ${v.cvssV4.baseScore.toFixed(1)} (${band}), ${v.cvssV4.vectorString}`;
    notes.push({ category: 'other', title: 'CVSS v4.0', text });
  }
  const productStatus: Record<string, string[]> = { known_affected: v.knownAffected };
  if (v.fixed !== undefined && v.fixed.length > 0) productStatus.fixed = v.fixed;
  return {
    ...(v.cve === undefined ? {} : { cve: v.cve }),
    title: v.title,
    notes,
    product_status: productStatus,
    ...(v.cvssV3 === undefined ? {} : { scores: [{ cvss_v3: v.cvssV3, products: v.knownAffected }] }),
    ...(v.remediation === undefined
      ? {}
      : { remediations: [{ ...v.remediation, product_ids: [...v.knownAffected, ...(v.fixed ?? [])] }] }),
  };
}

function aggregateSeverity(vulns: readonly AdvisoryVulnerability[]): { text: string } | undefined {
  const scores = vulns.flatMap((v) => (v.cvssV4 === undefined ? [] : [v.cvssV4.baseScore]));
  return scores.length === 0 ? undefined : { text: cvssV4Band(Math.max(...scores)) };
}

function securityParts(advisory: Advisory): Pick<CsafDocument, 'product_tree' | 'vulnerabilities'> {
  const products = advisory.products ?? [];
  const vulns = advisory.vulnerabilities ?? [];
  if (products.length === 0) {
    throw new CsafExportError('a security advisory needs its products (CSAF product_tree)');
  }
  const known = new Set(products.map((p) => p.productId));
  for (const v of vulns) {
    if (v.knownAffected.length === 0) throw new CsafExportError(`"${v.title}" names no affected product`);
    const unknown = [...v.knownAffected, ...(v.fixed ?? [])].filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new CsafExportError(`"${v.title}" refers to unknown product ids: ${unknown.join(', ')}`);
    }
  }
  return {
    product_tree: {
      full_product_names: products.map((p) => ({
        name: p.name,
        product_id: p.productId,
        ...(p.cpe === undefined ? {} : { product_identification_helper: { cpe: p.cpe } }),
      })),
    },
    vulnerabilities: vulns.map(vulnerability),
  };
}

/**
 * Exports an advisory as a CSAF 2.0 document.
 *
 * Without vulnerabilities it is a `csaf_informational_advisory` (summary note, at least one external
 * reference, no product tree); with vulnerabilities a `csaf_security_advisory` with `product_tree`.
 * TLP maps CLEAR→WHITE, GREEN/AMBER/RED unchanged; `TLP:AMBER+STRICT` is refused.
 *
 * @throws CsafExportError when the advisory cannot be expressed faithfully.
 */
export function toCsaf(advisory: Advisory, publisher: CsafPublisher): CsafDocument {
  const label = csafTlp(advisory.tlp);
  const vulns = advisory.vulnerabilities ?? [];
  const security = vulns.length > 0;
  if (!security && advisory.references.length === 0) {
    throw new CsafExportError('an informational advisory needs at least one external reference');
  }
  const severity = aggregateSeverity(vulns);
  const document = {
    category: security ? 'csaf_security_advisory' : 'csaf_informational_advisory',
    csaf_version: '2.0' as const,
    title: advisory.title,
    lang: 'en',
    publisher,
    distribution: {
      text: `${tlpLabel(advisory.tlp)}, ${papLabel(advisory.pap)}`,
      tlp: { label },
    },
    ...(severity === undefined ? {} : { aggregate_severity: severity }),
    notes: documentNotes(advisory),
    ...(advisory.references.length === 0
      ? {}
      : {
          references: advisory.references.map((r) => ({
            category: 'external',
            summary: r.title,
            url: r.url,
          })),
        }),
    tracking: tracking(advisory),
  };
  return security ? { document, ...securityParts(advisory) } : { document };
}
