import { expect } from 'chai';
import type { AdvisoryContent } from '../../../src/advisories/index.js';
import {
  changedFields,
  checkContent,
  contentFromForm,
  formFromContent,
  indicatorLine,
} from '../../../src/console/pages/advisory.form.js';

const base: AdvisoryContent = {
  title: 'Critical flaw in VPN gateways',
  tlp: 'GREEN',
  pap: 'GREEN',
  summary: 'Exploited in the wild.',
  affectedSystems: ['VPN Gateway 9.1'],
  recommendations: ['Apply the vendor update.'],
  references: [{ title: 'Vendor bulletin', url: 'https://vendor.example/psirt/1' }],
  relatedIncidents: [],
  indicators: [{ type: 'ipv4', value: '198.51.100.23', description: 'scanner' }],
  products: [{ productId: 'vpn-gw-9', name: 'VPN Gateway 9.1' }],
  vulnerabilities: [
    {
      cve: 'CVE-2026-12345',
      title: 'Pre-auth RCE',
      description: 'A crafted request runs code as root.',
      cvssV4: { baseScore: 9.3, vectorString: 'CVSS:4.0/AV:N/AC:L' },
      knownAffected: ['vpn-gw-9'],
      remediation: { category: 'vendor_fix', details: 'Upgrade to 9.1.5.' },
    },
  ],
};

describe('advisory composer form', () => {
  const lines: Array<[string, ReturnType<typeof indicatorLine>]> = [
    ['198.51.100.23', { type: 'ipv4', value: '198.51.100.23' }],
    ['2001:db8::1 | c2', { type: 'ipv6', value: '2001:db8::1', description: 'c2' }],
    ['https://evil.example/x', { type: 'url', value: 'https://evil.example/x' }],
    ['phish@evil.example', { type: 'email', value: 'phish@evil.example' }],
    ['d41d8cd98f00b204e9800998ecf8427e', { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }],
    ['evil.example', { type: 'domain', value: 'evil.example' }],
    ['domain 198.51.100.23', { type: 'domain', value: '198.51.100.23' }],
  ];
  for (const [line, expected] of lines) {
    it(`when an indicator line reads "${line}", then it is ${expected.type} ${expected.value}`, () => {
      expect(indicatorLine(line)).to.deep.equal(expected);
    });
  }

  it('when content is shown in the form and read back, then it is the same content', () => {
    const checked = checkContent(contentFromForm(formFromContent(base)), {});
    expect(checked.ok).to.equal(true);
    if (checked.ok) expect(changedFields(base, checked.content)).to.deep.equal({});
  });

  it('when one list changes, then only that field is a change, and an emptied list is one too', () => {
    const values = {
      ...formFromContent(base),
      recommendations: 'Upgrade to 9.1.5.\nRestrict the admin interface.',
    };
    const checked = checkContent(contentFromForm(values), {});
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    expect(changedFields(base, checked.content)).to.deep.equal({
      recommendations: ['Upgrade to 9.1.5.', 'Restrict the admin interface.'],
    });
    const emptied = checkContent(contentFromForm({ ...formFromContent(base), products: '' }), {});
    if (!emptied.ok) throw new Error(JSON.stringify(emptied.problems));
    expect(changedFields(base, emptied.content)).to.deep.equal({ products: [] });
  });

  it('when a line or a vulnerability block is wrong, then the problem names the field and the line', () => {
    const values = {
      ...formFromContent(base),
      title: '',
      references: 'Vendor bulletin | https://vendor.example/1\nno address here | not a url',
      'vulnerabilities.0.cvssScore': 'high',
    };
    const checked = checkContent(contentFromForm(values), {});
    expect(checked.ok).to.equal(false);
    if (checked.ok) return;
    expect(checked.problems).to.deep.include({ field: 'title', message: 'validation.required' });
    expect(checked.problems).to.deep.include({
      field: 'references',
      message: 'advisoryDesk.validation.line',
      values: { line: 2 },
    });
    expect(checked.problems.map((p) => p.field)).to.include('vulnerabilities.0.cvssScore');
  });
});
