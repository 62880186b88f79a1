import { expect } from 'chai';
import type { Indicator } from '../../../src/advisories/advisory.types.js';
import {
  StixExportError,
  TLP2_EXTENSION_ID,
  escapePatternValue,
  stixPattern,
  toStixBundle,
  uuidV5,
} from '../../../src/advisories/stix.export.js';

const now = new Date('2026-11-21T10:04:00.000Z');
const options = { tlp: 'AMBER' as const, createdBy: { name: 'GovCERT.HK' }, now };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('stixPattern', () => {
  const table: [Indicator, string][] = [
    [{ type: 'ipv4', value: '1.2.3.4' }, "[ipv4-addr:value = '1.2.3.4']"],
    [{ type: 'ipv4', value: '10.0.0.0/8' }, "[ipv4-addr:value = '10.0.0.0/8']"],
    [{ type: 'ipv6', value: '2001:db8::1' }, "[ipv6-addr:value = '2001:db8::1']"],
    [{ type: 'domain', value: 'evil.example' }, "[domain-name:value = 'evil.example']"],
    [
      { type: 'url', value: "https://evil.example/a'b\\c" },
      "[url:value = 'https://evil.example/a\\'b\\\\c']",
    ],
    [{ type: 'email', value: 'phish@evil.example' }, "[email-addr:value = 'phish@evil.example']"],
    [
      { type: 'md5', value: 'D41D8CD98F00B204E9800998ECF8427E' },
      "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
    ],
    [
      { type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
      "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
    ],
    [
      { type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
    ],
  ];
  for (const [indicator, pattern] of table) {
    it(`when a ${indicator.type} is exported, then the pattern is ${pattern}`, () => {
      expect(stixPattern(indicator)).to.equal(pattern);
    });
  }

  it('when a value holds a quote and a backslash, then the backslash is escaped first', () => {
    expect(escapePatternValue("a\\'b")).to.equal("a\\\\\\'b");
  });

  const invalid: Indicator[] = [
    { type: 'ipv4', value: '1.2.3.400' },
    { type: 'ipv4', value: "1.2.3.4' OR '1'='1" },
    { type: 'ipv6', value: 'not-an-ip' },
    { type: 'md5', value: 'abc' },
    { type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb924' },
    { type: 'domain', value: 'evil example' },
    { type: 'url', value: 'not a url' },
    { type: 'email', value: 'no-at-sign' },
  ];
  for (const indicator of invalid) {
    it(`when a ${indicator.type} is ${JSON.stringify(indicator.value)}, then it is refused`, () => {
      expect(() => stixPattern(indicator)).to.throw(StixExportError);
    });
  }
});

describe('toStixBundle', () => {
  const indicators: Indicator[] = [
    { type: 'ipv4', value: '203.0.113.7', description: 'C2 server' },
    { type: 'domain', value: 'Evil.Example' },
  ];

  it('when indicators are exported, then the bundle holds the identity, the TLP marking and one indicator each', () => {
    const bundle = toStixBundle(indicators, options);
    expect(bundle.type).to.equal('bundle');
    expect(bundle.id).to.match(/^bundle--/);
    expect(bundle.objects.map((o) => o.type)).to.deep.equal([
      'identity',
      'marking-definition',
      'indicator',
      'indicator',
    ]);
    for (const o of bundle.objects) {
      expect(o.spec_version).to.equal('2.1');
      expect(o.id.split('--')[1]).to.match(UUID);
      expect(o.created).to.be.a('string');
      if (o.type !== 'marking-definition') expect(o.modified).to.equal('2026-11-21T10:04:00.000Z');
    }
    const indicator = bundle.objects[2];
    expect(indicator).to.deep.include({
      pattern: "[ipv4-addr:value = '203.0.113.7']",
      pattern_type: 'stix',
      valid_from: '2026-11-21T10:04:00.000Z',
      created_by_ref: bundle.objects[0].id,
      description: 'C2 server',
    });
  });

  it('when the TLP is AMBER, then the published TLP 2.0 marking is used and referenced', () => {
    const bundle = toStixBundle(indicators, options);
    const marking = bundle.objects[1];
    expect(marking).to.deep.equal({
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
      created: '2022-10-01T00:00:00.000Z',
      name: 'TLP:AMBER',
      extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: 'amber' } },
    });
    for (const o of bundle.objects.filter((x) => x.type !== 'marking-definition')) {
      expect(o.object_marking_refs).to.deep.equal([marking.id]);
    }
  });

  const ids = {
    CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
    GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
    'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
  } as const;
  for (const [tlp, id] of Object.entries(ids) as [keyof typeof ids, string][]) {
    it(`when the TLP is ${tlp}, then the marking id is the published one`, () => {
      const bundle = toStixBundle(indicators, { ...options, tlp });
      expect(bundle.objects[1].id).to.equal(id);
      expect(bundle.objects[1].name).to.equal(`TLP:${tlp}`);
    });
  }

  it('when the same indicator is exported twice, then its id is the same (case-insensitive domain)', () => {
    const a = toStixBundle([{ type: 'domain', value: 'evil.example' }], options);
    const b = toStixBundle([{ type: 'domain', value: 'EVIL.example' }], { ...options, now: new Date() });
    expect(a.objects[2].id).to.equal(b.objects[2].id);
    expect(a.id).to.not.equal(b.id);
  });
});

describe('uuidV5', () => {
  it('when given the RFC 4122 DNS example, then it matches the known UUID', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).to.equal(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});
