import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

const base = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/x',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NODE_ENV: 'test',
};

describe('config', () => {
  it('parses once into a frozen, typed object with defaults', () => {
    const config = loadConfig(base);
    expect(config.HTTP_PORT).to.equal(8080);
    expect(Object.isFrozen(config)).to.equal(true);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['a non-numeric port', { HTTP_PORT: 'eighty' }, /HTTP_PORT/],
    ['a port out of range', { HTTP_PORT: '70000' }, /HTTP_PORT/],
    ['a bad MongoDB URI', { MONGODB_URI: 'postgres://x' }, /MONGODB_URI/],
    ['an unknown log level', { LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    ['a bad boolean', { DEMO_MODE: 'maybe' }, /DEMO_MODE/],
    ['no triage at all', { TRIAGE_CONCURRENCY: '0' }, /TRIAGE_CONCURRENCY/],
  ];
  for (const [name, env, key] of bad) {
    it(`stops on ${name}, naming the key`, () => {
      expect(() => loadConfig({ ...base, ...env })).to.throw(ConfigError, key);
    });
  }

  it('has no default signing key in production', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).to.throw(ConfigError, /AUDIT_SIGNING_KEY/);
  });

  it('requires service URLs unless embedded', () => {
    expect(() => loadConfig({ NODE_ENV: 'test' })).to.throw(ConfigError, /MONGODB_URI/);
    expect(loadConfig({ NODE_ENV: 'test', EMBEDDED: 'true' }).EMBEDDED).to.equal(true);
  });

  it('keeps the demo signing key in the data folder, created once, private to its owner', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'govcert-demokey-'));
    try {
      const demo = { ...base, NODE_ENV: 'development', DEMO_MODE: 'true', DATA_DIR: dataDir };
      const first = loadConfig(demo);
      const second = loadConfig(demo);
      expect(second.AUDIT_SIGNING_KEY).to.equal(first.AUDIT_SIGNING_KEY);
      expect(first.AUDIT_SIGNING_KEY_EPHEMERAL).to.equal(false);
      expect(first.AUDIT_SIGNING_KEY_FILE).to.equal(join(dataDir, 'audit-signing-key.pem'));
      expect(statSync(join(dataDir, 'audit-signing-key.pem')).mode & 0o777).to.equal(0o600);
      const other = loadConfig({ ...demo, DATA_DIR: join(dataDir, 'elsewhere') });
      expect(other.AUDIT_SIGNING_KEY).to.not.equal(first.AUDIT_SIGNING_KEY);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a MongoDB URI without a database name, saying how to name one', () => {
    expect(() => loadConfig({ ...base, MONGODB_URI: 'mongodb://127.0.0.1:27017' })).to.throw(
      ConfigError,
      /MONGODB_URI: .*database/,
    );
    expect(() => loadConfig({ ...base, MONGODB_URI: 'mongodb://127.0.0.1:27017/?w=1' })).to.throw(
      ConfigError,
      /MONGODB_URI/,
    );
  });
});
