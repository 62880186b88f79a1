import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Advisory } from '../../../src/advisories/advisory.types.js';
import {
  type CsafPublisher,
  CsafExportError,
  cvssV4Band,
  toCsaf,
} from '../../../src/advisories/csaf.export.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/csaf/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/** The official CSAF 2.0 schema with the FIRST CVSS schemas it references, all offline. */
function csafValidator() {
  // strict: false because the FIRST CVSS schemas are draft-04/07 and carry a `license` keyword.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  for (const [file, uri] of [
    ['cvss-v2.0.json', 'https://www.first.org/cvss/cvss-v2.0.json'],
    ['cvss-v3.0.json', 'https://www.first.org/cvss/cvss-v3.0.json'],
    ['cvss-v3.1.json', 'https://www.first.org/cvss/cvss-v3.1.json'],
  ] as const) {
    // Registered under the URI the CSAF schema references; their own ids carry a `?date` suffix.
    const { $schema: _s, $id: _i, id: _d, ...schema } = fixture(file);
    ajv.addSchema(schema, uri);
  }
  return ajv.compile(fixture('csaf_json_schema.json'));
}

const validate = csafValidator();
const expectValid = (doc: unknown): void => {
  const ok = validate(doc);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).to.deep.equal([]);
  expect(ok).to.equal(true);
};

const publisher: CsafPublisher = {
  category: 'coordinator',
  name: 'GovCERT.HK',
  namespace: 'https://www.govcert.gov.hk',
  contact_details: 'govcert@example.gov.hk',
};

const informational = (over: Partial<Advisory> = {}): Advisory => ({
  id: 'GOVCERT-HK-2026-0012',
  title: 'Phishing campaign impersonating the Inland Revenue Department',
  tlp: 'GREEN',
  pap: 'AMBER',
  summary: 'Bureaux report e-mails with links to a credential-harvesting site.',
  recommendations: ['Block the listed domains at the mail gateway', 'Remind staff to report suspicious mail'],
  references: [{ title: 'HKCERT alert', url: 'https://www.hkcert.org/security-bulletin/example' }],
  affectedSystems: ['Government e-mail'],
  status: 'final',
  revisions: [
    { number: '1', date: '2026-11-20T02:00:00.000Z', summary: 'Initial version.' },
    { number: '2', date: '2026-11-21T10:04:00.000Z', summary: 'More domains.' },
  ],
  ...over,
});

const security = (): Advisory =>
  informational({
    title: 'Critical vulnerability in ExampleMail Server',
    tlp: 'CLEAR',
    products: [
      {
        productId: 'EMS-9.1',
        name: 'ExampleMail Server 9.1',
        cpe: 'cpe:2.3:a:example:mail_server:9.1:*:*:*:*:*:*:*',
      },
      { productId: 'EMS-9.2', name: 'ExampleMail Server 9.2' },
    ],
    vulnerabilities: [
      {
        cve: 'CVE-2026-12345',
        title: 'Remote code execution in the IMAP service',
        description: 'An unauthenticated attacker can run code.',
        cvssV4: {
          baseScore: 9.3,
          vectorString: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
        },
        cvssV3: {
          version: '3.1',
          vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
          baseScore: 9.8,
          baseSeverity: 'CRITICAL',
        },
        knownAffected: ['EMS-9.1'],
        fixed: ['EMS-9.2'],
        remediation: { category: 'vendor_fix', details: 'Upgrade to 9.2.', url: 'https://example.com/fix' },
      },
    ],
  });

describe('toCsaf', () => {
  it('when an advisory has no vulnerabilities, then it is a valid csaf_informational_advisory', () => {
    const doc = toCsaf(informational(), publisher);
    expectValid(doc);
    expect(doc.document.category).to.equal('csaf_informational_advisory');
    expect(doc).to.not.have.property('vulnerabilities');
    expect(doc).to.not.have.property('product_tree');
    const notes = doc.document.notes as { category: string }[];
    expect(notes.map((n) => n.category)).to.include('summary');
    const refs = doc.document.references as { category: string }[];
    expect(refs[0]?.category).to.equal('external');
  });

  it('when revisions exist, then tracking follows them', () => {
    const tracking = toCsaf(informational(), publisher).document.tracking as Record<string, unknown>;
    expect(tracking).to.deep.include({
      id: 'GOVCERT-HK-2026-0012',
      status: 'final',
      version: '2',
      initial_release_date: '2026-11-20T02:00:00.000Z',
      current_release_date: '2026-11-21T10:04:00.000Z',
    });
    expect(tracking.revision_history).to.have.length(2);
  });

  it('when vulnerabilities and products are given, then it is a valid csaf_security_advisory', () => {
    const doc = toCsaf(security(), publisher);
    expectValid(doc);
    expect(doc.document.category).to.equal('csaf_security_advisory');
    expect(doc.document.aggregate_severity).to.deep.equal({ text: 'Critical' });
    const vuln = doc.vulnerabilities?.[0] as { cve: string; notes: { text: string }[] };
    expect(vuln.cve).to.equal('CVE-2026-12345');
    expect(vuln.notes.map((n) => n.text).join(' ')).to.include('CVSS v4.0 base score 9.3 (Critical)');
  });

  it('when a CVSS v3 score is malformed, then the official schema rejects the export', () => {
    const doc = toCsaf(security(), publisher);
    const scores = (doc.vulnerabilities?.[0] as { scores: { cvss_v3: { vectorString: string } }[] }).scores;
    scores[0].cvss_v3.vectorString = 'CVSS:3.1/AV:Q';
    expect(validate(doc)).to.equal(false);
  });

  const labels = [
    ['CLEAR', 'WHITE'],
    ['GREEN', 'GREEN'],
    ['AMBER', 'AMBER'],
    ['RED', 'RED'],
  ] as const;
  for (const [tlp, label] of labels) {
    it(`when the advisory is TLP:${tlp}, then CSAF carries ${label}`, () => {
      const doc = toCsaf(informational({ tlp }), publisher);
      expect((doc.document.distribution as { tlp: { label: string } }).tlp.label).to.equal(label);
      expectValid(doc);
    });
  }

  it('when the advisory is TLP:AMBER+STRICT, then the export is refused with a clear error', () => {
    expect(() => toCsaf(informational({ tlp: 'AMBER+STRICT' }), publisher))
      .to.throw(CsafExportError)
      .with.property('message')
      .that.matches(/AMBER\+STRICT.*TLP 1\.0/);
  });

  it('when an informational advisory has no reference, then the export is refused', () => {
    expect(() => toCsaf(informational({ references: [] }), publisher)).to.throw(CsafExportError, /reference/);
  });

  it('when a vulnerability names an unknown product, then the export is refused', () => {
    const advisory = security();
    advisory.vulnerabilities![0].knownAffected = ['NOPE'];
    expect(() => toCsaf(advisory, publisher)).to.throw(CsafExportError, /NOPE/);
  });
});

describe('cvssV4Band', () => {
  const table: [number, string][] = [
    [0, 'None'],
    [0.1, 'Low'],
    [3.9, 'Low'],
    [4, 'Medium'],
    [6.9, 'Medium'],
    [7, 'High'],
    [8.9, 'High'],
    [9, 'Critical'],
    [10, 'Critical'],
  ];
  for (const [score, band] of table) {
    it(`when the score is ${score}, then the band is ${band}`, () =>
      expect(cvssV4Band(score)).to.equal(band));
  }
  it('when the score is out of range, then it throws', () =>
    expect(() => cvssV4Band(10.1)).to.throw(RangeError));
});
