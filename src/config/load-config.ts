import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configSchema } from './schema.js';

/** The parsed, frozen configuration. Only `loadConfig` builds one. */
export type Config = Readonly<
  Omit<z.output<typeof configSchema>, 'AUDIT_SIGNING_KEY' | 'SESSION_SECRET'> & {
    /** Signs console session cookies (generated per run in test mode, kept in DATA_DIR in demo mode). */
    SESSION_SECRET: string;
    /** PEM of the Ed25519 private key that signs audit checkpoints. */
    AUDIT_SIGNING_KEY: string;
    /** True when the signing key was generated for this run (test only). */
    AUDIT_SIGNING_KEY_EPHEMERAL: boolean;
    /** Where the demo signing key is kept, when it came from there. */
    AUDIT_SIGNING_KEY_FILE: string | null;
  }
>;

/** Raised when the environment does not parse; the message names every bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function decodeKey(raw: string): string {
  return raw.includes('BEGIN') ? raw : Buffer.from(raw, 'base64').toString('utf8');
}

/**
 * Parses the environment once. Secrets have no defaults: outside demo and test mode a missing
 * AUDIT_SIGNING_KEY stops the start, because checkpoints signed by a throwaway key prove nothing.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const known = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  const ephemeralAllowed = values.DEMO_MODE || values.NODE_ENV === 'test';
  let signingKey = values.AUDIT_SIGNING_KEY ? decodeKey(values.AUDIT_SIGNING_KEY) : undefined;
  if (!signingKey && !ephemeralAllowed) {
    throw new ConfigError(['AUDIT_SIGNING_KEY: required outside demo/test mode (Ed25519 PKCS#8 PEM)']);
  }
  // Demo data outlives a start (DATA_DIR), so its key must too: a new key per start would leave every
  // checkpoint already stored unverifiable (checkpoint_unknown_key).
  const keyFile = !signingKey && values.DEMO_MODE ? join(values.DATA_DIR, DEMO_KEY_FILE) : null;
  if (keyFile) signingKey = demoSigningKey(keyFile);
  const ephemeral = !signingKey;
  signingKey ??= newSigningKey();
  if (values.MONGODB_URI && !databaseNameOf(values.MONGODB_URI)) {
    throw new ConfigError([
      `MONGODB_URI: names no database; add it to the path, e.g. ${values.MONGODB_URI.replace(/\/?(\?.*)?$/, '/govcert$1')}`,
    ]);
  }
  let sessionSecret = values.SESSION_SECRET;
  if (!sessionSecret && values.RUN_API && !ephemeralAllowed) {
    throw new ConfigError(['SESSION_SECRET: required for API processes outside demo/test mode']);
  }
  // Kept in DATA_DIR in demo mode so that console sessions survive a restart of `npm start`.
  if (!sessionSecret && values.DEMO_MODE)
    sessionSecret = keptSecret(join(values.DATA_DIR, SESSION_SECRET_FILE));
  sessionSecret ??= randomBytes(32).toString('base64url');
  if (values.OIDC_ISSUER_URL && !values.OIDC_CLIENT_ID) {
    throw new ConfigError(['OIDC_CLIENT_ID: required when OIDC_ISSUER_URL is set']);
  }
  if (!values.EMBEDDED && (!values.MONGODB_URI || !values.REDIS_URL)) {
    throw new ConfigError(['MONGODB_URI, REDIS_URL: required unless EMBEDDED=true']);
  }
  return Object.freeze({
    ...values,
    AUDIT_SIGNING_KEY: signingKey,
    AUDIT_SIGNING_KEY_EPHEMERAL: ephemeral,
    AUDIT_SIGNING_KEY_FILE: keyFile,
    SESSION_SECRET: sessionSecret,
  });
}

/** The database named in a MongoDB URI's path ('' when none: the driver would silently use `test`). */
function databaseNameOf(uri: string): string {
  const afterHosts = uri.replace(/^mongodb(\+srv)?:\/\/[^/]*/, '');
  return decodeURIComponent(afterHosts.replace(/^\//, '').replace(/\?.*$/, ''));
}

/** The demo signing key's file under DATA_DIR (private to the owner, never printed). */
export const DEMO_KEY_FILE = 'audit-signing-key.pem';

const newSigningKey = (): string =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The demo session secret's file under DATA_DIR. */
export const SESSION_SECRET_FILE = 'session-secret';

/** The key kept in `file`, created on first use; `wx` makes the first of two starting processes win. */
function demoSigningKey(file: string): string {
  return keptSecret(file, newSigningKey);
}

/** A secret kept in `file` (mode 600), created by `make` on first use. */
function keptSecret(file: string, make = (): string => randomBytes(32).toString('base64url')): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(join(file, '..'), { recursive: true });
  try {
    writeFileSync(file, make(), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(file, 'utf8');
}
