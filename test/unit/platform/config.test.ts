import { expect } from 'chai';
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
});
