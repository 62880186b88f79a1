import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

const production = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/x',
  REDIS_URL: 'redis://127.0.0.1:6379',
  AUDIT_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----',
};
const secret = 'a'.repeat(40);

describe('console config', () => {
  it('when an API process starts in production without SESSION_SECRET, then the start is refused naming it', () => {
    expect(() => loadConfig(production)).to.throw(ConfigError, /SESSION_SECRET/);
  });

  it('when a worker-only process starts without SESSION_SECRET, then it starts (it serves no pages)', () => {
    expect(loadConfig({ ...production, RUN_API: 'false' }).SESSION_SECRET).to.be.a('string');
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['a short session secret', { SESSION_SECRET: 'short' }, /SESSION_SECRET/],
    [
      'an OIDC issuer without a client id',
      { SESSION_SECRET: secret, OIDC_ISSUER_URL: 'https://sso.gov.hk' },
      /OIDC_CLIENT_ID/,
    ],
    ['a role map that is not JSON', { SESSION_SECRET: secret, OIDC_ROLE_MAP: '{nope' }, /OIDC_ROLE_MAP/],
    [
      'a role map naming an unknown role',
      { SESSION_SECRET: secret, OIDC_ROLE_MAP: '{"g":"root"}' },
      /OIDC_ROLE_MAP/,
    ],
    ['a zero idle timeout', { SESSION_SECRET: secret, SESSION_IDLE_MINUTES: '0' }, /SESSION_IDLE_MINUTES/],
  ];
  for (const [name, env, key] of bad) {
    it(`when the config has ${name}, then the start is refused naming the key`, () => {
      expect(() => loadConfig({ ...production, ...env })).to.throw(ConfigError, key);
    });
  }

  it('when the role map is valid JSON, then it is parsed into roles', () => {
    const config = loadConfig({ ...production, SESSION_SECRET: secret, OIDC_ROLE_MAP: '{"cert":"lead"}' });
    expect(config.OIDC_ROLE_MAP).to.deep.equal({ cert: 'lead' });
  });

  it('when demo mode has no SESSION_SECRET, then one is generated once and kept private in DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'govcert-config-'));
    try {
      const env = { ...production, NODE_ENV: 'development', DEMO_MODE: 'true', DATA_DIR: dir };
      const first = loadConfig(env).SESSION_SECRET;
      expect(loadConfig(env).SESSION_SECRET).to.equal(first);
      expect(statSync(join(dir, 'session-secret')).mode & 0o777).to.equal(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
