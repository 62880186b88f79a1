import { expect } from 'chai';
import { fromAcceptLanguage } from '../../../src/console/i18n.js';
import { safeReturnPath } from '../../../src/console/index.js';
import { PublicUrl } from '../../../src/platform/public-url.js';

describe('console helpers', () => {
  const returns: Array<[unknown, string]> = [
    ['/console/incidents/abc', '/console/incidents/abc'],
    ['/console?x=1', '/console?x=1'],
    ['/console', '/console'],
    ['//evil.example/console', '/console'],
    ['https://evil.example/console', '/console'],
    ['/consoleevil', '/console'],
    ['/console/\\evil', '/console'],
    ['/api/v1/me', '/console'],
    [undefined, '/console'],
  ];
  for (const [value, expected] of returns) {
    it(`when asked to return to ${JSON.stringify(value)}, then the browser goes to ${expected}`, () => {
      expect(safeReturnPath(value)).to.equal(expected);
    });
  }

  const languages: Array<[string | undefined, string | null]> = [
    ['zh-HK,zh;q=0.9,en;q=0.8', 'zh-HK'],
    ['zh-Hant-TW', 'zh-HK'],
    ['en-GB,en;q=0.9', 'en'],
    ['fr-FR, zh-TW;q=0.5', 'zh-HK'],
    ['en;q=0.2, zh-HK;q=0.8', 'zh-HK'],
    ['fr', null],
    [undefined, null],
  ];
  for (const [header, expected] of languages) {
    it(`when the browser asks for ${String(header)}, then the console picks ${String(expected)}`, () => {
      expect(fromAcceptLanguage(header)).to.equal(expected);
    });
  }

  it('when PUBLIC_URL is set, then links use it; else the address the server listens on, port included', () => {
    expect(new PublicUrl('https://console.gov.hk/', { host: '127.0.0.1', port: 8080 }).get()).to.equal(
      'https://console.gov.hk',
    );
    const listening = new PublicUrl(undefined, { host: '127.0.0.1', port: 0 });
    expect(listening.get()).to.equal('http://127.0.0.1:0');
    listening.listeningAt('http://127.0.0.1:41234');
    expect(listening.get()).to.equal('http://127.0.0.1:41234');
  });
});
