import { expect } from 'chai';
import {
  base62Fixed,
  formatKey,
  generateKey,
  keyIdFromAuthorization,
  parseKey,
  randomBase62,
} from '../../../src/auth/api-key.format.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function substitute(text: string, index: number): string {
  const current = text.charAt(index);
  const replacement = BASE62.charAt((BASE62.indexOf(current) + 1) % 62);
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe('API key format', () => {
  it('when a key is generated, then it is gck_<12>_<32><6>, all base62', () => {
    const { key, keyId, secret } = generateKey();
    expect(key).to.match(/^gck_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}$/);
    expect(key.startsWith(`gck_${keyId}_${secret}`)).to.equal(true);
    expect(key).to.have.length(4 + 12 + 1 + 32 + 6);
  });

  it('when a generated key is parsed, then its id and secret come back', () => {
    for (let i = 0; i < 50; i += 1) {
      const { key, keyId, secret } = generateKey();
      expect(parseKey(key)).to.deep.equal({ keyId, secret });
    }
  });

  it('when keys are generated, then ids and secrets do not repeat', () => {
    const keys = new Set(Array.from({ length: 500 }, () => generateKey().key));
    expect(keys.size).to.equal(500);
  });

  it('when any one character after the prefix is mistyped, then the checksum rejects the key', () => {
    const { key } = generateKey();
    for (let index = 4; index < key.length; index += 1) {
      if (key.charAt(index) === '_') continue;
      expect(parseKey(substitute(key, index)), `position ${index}`).to.equal(null);
    }
  });

  it('when two neighbouring characters are swapped, then the checksum rejects the key', () => {
    const key = formatKey('AbCdEfGhIjKl', 'MnOpQrStUvWxYz0123456789abcdefgh');
    for (let index = 17; index < key.length - 1; index += 1) {
      const swapped = key.slice(0, index) + key.charAt(index + 1) + key.charAt(index) + key.slice(index + 2);
      if (swapped !== key) expect(parseKey(swapped), `position ${index}`).to.equal(null);
    }
  });

  const malformed: Array<[string, string]> = [
    ['empty', ''],
    ['wrong prefix', 'gcx_AAAAAAAAAAAA_' + 'B'.repeat(38)],
    ['short id', 'gck_AAAAAAAAAAA_' + 'B'.repeat(38)],
    ['short secret', 'gck_AAAAAAAAAAAA_' + 'B'.repeat(37)],
    ['long secret', 'gck_AAAAAAAAAAAA_' + 'B'.repeat(39)],
    ['non-base62 character', 'gck_AAAAAAAAAAA-_' + 'B'.repeat(38)],
    ['trailing newline', `${generateKey().key}\n`],
    ['leading space', ` ${generateKey().key}`],
    ['upper-case prefix', generateKey().key.replace('gck_', 'GCK_')],
  ];
  for (const [name, text] of malformed) {
    it(`when the key is malformed (${name}), then it does not parse`, () => {
      expect(parseKey(text)).to.equal(null);
    });
  }

  it('when a checksum is encoded, then it is six base62 characters, zero-padded', () => {
    expect(base62Fixed(0, 6)).to.equal('000000');
    expect(base62Fixed(61, 6)).to.equal('00000z');
    expect(base62Fixed(62, 6)).to.equal('000010');
    expect(base62Fixed(0xffffffff, 6)).to.match(/^[0-9A-Za-z]{6}$/);
  });

  it('when random base62 is drawn, then every character is from the alphabet and the length is exact', () => {
    const text = randomBase62(5000);
    expect(text).to.have.length(5000);
    expect(text).to.match(/^[0-9A-Za-z]+$/);
    expect(new Set(text).size).to.equal(62);
  });

  const headers: Array<[string, string | undefined, boolean]> = [
    ['a bearer key', 'Bearer KEY', true],
    ['a lower-case scheme', 'bearer KEY', true],
    ['no header', undefined, false],
    ['basic credentials', 'Basic dXNlcjpwYXNz', false],
    ['a bearer token that is not a key', 'Bearer abc.def.ghi', false],
  ];
  for (const [name, header, hasId] of headers) {
    it(`when the Authorization header is ${name}, then the key id is ${hasId ? 'read' : 'null'}`, () => {
      const { key, keyId } = generateKey();
      expect(keyIdFromAuthorization(header?.replace('KEY', key))).to.equal(hasId ? keyId : null);
    });
  }
});
