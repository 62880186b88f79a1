import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { configSchema } from './schema.js';

/** The parsed, frozen configuration. Only `loadConfig` builds one. */
export type Config = Readonly<
  Omit<z.output<typeof configSchema>, 'AUDIT_SIGNING_KEY'> & {
    /** PEM of the Ed25519 private key that signs audit checkpoints. */
    AUDIT_SIGNING_KEY: string;
    /** True when the signing key was generated for this run (demo/test only). */
    AUDIT_SIGNING_KEY_EPHEMERAL: boolean;
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
  const ephemeral = !signingKey;
  signingKey ??= generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  if (!values.EMBEDDED && (!values.MONGODB_URI || !values.REDIS_URL)) {
    throw new ConfigError(['MONGODB_URI, REDIS_URL: required unless EMBEDDED=true']);
  }
  return Object.freeze({ ...values, AUDIT_SIGNING_KEY: signingKey, AUDIT_SIGNING_KEY_EPHEMERAL: ephemeral });
}
