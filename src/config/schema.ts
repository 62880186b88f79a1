import { z } from 'zod';
import { ROLES } from '../platform/permissions.js';

/** A boolean environment variable; the default is given as text so the docs can show it. */
const boolish = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback)
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

const roleMapSchema = z.record(z.string().min(1), z.enum(ROLES));

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Every configuration key, read from the environment once at start.
 * The `describe` text of each key is the documentation: `npm run docs:config` renders the README table from it.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development').describe('Runtime mode.'),
  HTTP_HOST: z.string().min(1).default('127.0.0.1').describe('Interface the API listens on.'),
  HTTP_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8080)
    .describe('TCP port of the API (0 = any free port).'),
  PUBLIC_URL: z
    .url()
    .optional()
    .describe(
      'Base URL people use to reach the console (links in mail, the OIDC callback, set-password links). Unset: the address the server listens on, port included.',
    ),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
    .optional()
    .describe('MongoDB (6+) or FerretDB URI. Unset in embedded mode: a local FerretDB is started.'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional()
    .describe(
      'Redis URL for BullMQ and rate limits. Unset in embedded mode: a local redis-server is started.',
    ),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]+$/)
    .default('govcert')
    .describe('Key prefix for every BullMQ queue (use `{govcert}` for Redis Cluster hash tags).'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional()
    .describe('SMTP server for outgoing mail. Unset: mail is written as .eml files to the outbox folder.'),
  MAIL_FROM: z
    .string()
    .min(3)
    .default('GovCERT.HK <no-reply@govcert.localhost>')
    .describe('From address of every mail.'),
  DATA_DIR: z
    .string()
    .min(1)
    .default('./var')
    .describe('Where embedded Redis/FerretDB data, the mail outbox and exports live.'),
  POLICY_DIR: z
    .string()
    .min(1)
    .default('./policies')
    .describe('Policy packs directory (validated at start).'),
  TEMPLATE_DIR: z.string().min(1).default('./templates').describe('Handlebars templates directory.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level.'),
  AUDIT_SIGNING_KEY: z
    .string()
    .optional()
    .describe(
      'Ed25519 private key (PKCS#8 PEM, or base64 of it) signing audit checkpoints. Required in production.',
    ),
  AUDIT_CHECKPOINT_EVERY: z.coerce
    .number()
    .int()
    .positive()
    .default(1000)
    .describe('Sign a checkpoint after this many audit events...'),
  AUDIT_CHECKPOINT_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(300)
    .describe('...or after this many seconds with new events, whichever comes first.'),
  DEMO_MODE: boolish('false').describe(
    'Seed demo bureaux, users and API keys and print the keys (embedded default sets it).',
  ),
  EMBEDDED: boolish('false').describe(
    'Start local redis-server and FerretDB under DATA_DIR when their URLs are unset.',
  ),
  RUN_API: boolish('true').describe('Serve the HTTP API in this process.'),
  RUN_WORKERS: boolish('true').describe('Run the BullMQ workers in this process.'),
  TRUST_PROXY_HOPS: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(0)
    .describe('Reverse-proxy hops to trust for client IPs (Express `trust proxy`).'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i)
    .default('256kb')
    .describe('Largest accepted JSON body.'),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .positive()
    .default(600)
    .describe(
      'Requests per minute allowed per API key (counted once the key verified) and per client IP (requests without a key and failed authentications).',
    ),
  CONCURRENCY_INCIDENT_LISTS: z.coerce
    .number()
    .int()
    .positive()
    .default(4)
    .describe(
      'Incident list requests (`GET /api/v1/incidents`, queue pages) running at once per API process; beyond it 503 with Retry-After.',
    ),
  CONCURRENCY_AUDIT_LISTS: z.coerce
    .number()
    .int()
    .positive()
    .default(4)
    .describe(
      'Audit event list requests (`GET /api/v1/audit/events`, incident timelines) at once per API process.',
    ),
  CONCURRENCY_INTAKE: z.coerce
    .number()
    .int()
    .positive()
    .default(64)
    .describe(
      'Reports and follow-up updates (`POST /api/v1/incidents`, `.../updates`) handled at once per API process; beyond it a 503 with Retry-After sheds load while the store is slow, and clients retry with the same Idempotency-Key.',
    ),
  TRIAGE_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(24)
    .describe(
      'Triage jobs each worker process runs at once. A triage mostly waits for the store, so more at once triage a burst faster while the store has CPU to spare, and take that much more of the store from intake (measured in docs/benchmarks.md).',
    ),
  WORKERS_YIELD_AT_REQUESTS: z.coerce
    .number()
    .int()
    .min(0)
    .default(32)
    .describe(
      'In a process that serves the API and runs workers: while this many API requests are in flight, a job waits (up to WORKERS_YIELD_MAX_MS) before it starts, so that a flood of reports is taken in first and triaged after (0 = never wait).',
    ),
  WORKERS_YIELD_MAX_MS: z.coerce
    .number()
    .int()
    .min(1)
    .max(60_000)
    .default(2000)
    .describe('The longest a job waits for the API requests to ease before it starts anyway.'),
  CONCURRENCY_EXPORTS: z.coerce
    .number()
    .int()
    .positive()
    .default(2)
    .describe(
      'Streamed reports and export requests (`GET /api/v1/reports/:kind`, `POST /api/v1/exports`) at once per API process.',
    ),
  CONCURRENCY_AUDIT_VERIFY: z.coerce
    .number()
    .int()
    .positive()
    .default(1)
    .describe('Audit chain verifications (`GET /api/v1/audit/verify`) at once per API process.'),
  AUDIT_VERIFY_CACHE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .default(600)
    .describe(
      'How long `GET /api/v1/audit/verify` answers with its last verification while the chain head and checkpoints have not moved (0 = always recompute).',
    ),
  API_KEY_CACHE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(60)
    .describe(
      'How long an API key checked against the store is taken as verified without reading it again (Redis; 0 = read the store on every request). Disabling a user or revoking a key makes every process forget them before it answers.',
    ),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(25000)
    .describe('How long SIGTERM waits for running jobs and requests before forcing exit.'),
  SESSION_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters of random text')
    .optional()
    .describe(
      'Signs the console session cookie; the same value on every API process. Required for API processes outside demo/test mode (demo mode keeps a generated one in DATA_DIR).',
    ),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30)
    .describe('A console session ends after this many minutes without a request (fractions allowed).'),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .positive()
    .max(7 * 24)
    .default(12)
    .describe('A console session ends this many hours after sign-in, however active.'),
  CONSOLE_TOTP_REQUIRED: boolish('true').describe(
    'People signing in with a password must use a TOTP second factor (enrolled at their first sign-in). The embedded demo sets false.',
  ),
  CONSOLE_LOCKOUT_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe('Failed console sign-ins in a row (password or second factor) that lock an account.'),
  CONSOLE_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15)
    .describe("How long a locked account refuses sign-in (an administrator's reset unlocks it at once)."),
  OIDC_ISSUER_URL: z
    .url()
    .optional()
    .describe(
      'OpenID Connect issuer for single sign-on (discovery at /.well-known/openid-configuration). Unset: no SSO button.',
    ),
  OIDC_CLIENT_ID: z.string().min(1).optional().describe('Client id registered at the OIDC issuer.'),
  OIDC_CLIENT_SECRET: z.string().min(1).optional().describe('Client secret registered at the OIDC issuer.'),
  OIDC_SCOPES: z
    .string()
    .regex(/^[\w:.-]+( [\w:.-]+)*$/, 'must be scope names separated by single spaces')
    .default('openid email profile')
    .describe('Scopes asked for at sign-in (must include openid).'),
  OIDC_ROLE_CLAIM: z
    .string()
    .min(1)
    .default('groups')
    .describe('ID-token claim (a string or a list) whose values map to a role through OIDC_ROLE_MAP.'),
  OIDC_ROLE_MAP: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      const parsed = roleMapSchema.safeParse(parseJson(text));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object from claim values to role names' });
      return z.NEVER;
    })
    .describe(
      'JSON object from role-claim values to roles, e.g. {"cert-responders":"responder","dh-it":"reporter"}. A person whose values map to no role, or to two, is refused.',
    ),
  OIDC_BUREAU_CLAIM: z
    .string()
    .min(1)
    .default('bureau')
    .describe('ID-token claim holding the bureau code of reporters (e.g. DH).'),
  INCIDENT_REF_PREFIX: z
    .string()
    .regex(/^[A-Z]{2,10}$/)
    .default('GIRO')
    .describe('Prefix of incident references, e.g. GIRO-2026-000123.'),
  REPORT_TIME_MAX_AGE_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(366)
    .default(30)
    .describe(
      'How far back a report time (discovered, aware, contained, resolved, an external notice, an obligation done) may lie, in days before the report; older times are refused with 422. Every clock counts from these times.',
    ),
  REPORT_OCCURRED_MAX_AGE_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(36_500)
    .default(1825)
    .describe(
      'How far back `times.occurredAt` may lie, in days before the report (an intrusion can go unnoticed for years; no clock counts from it).',
    ),
});

export type ConfigInput = z.input<typeof configSchema>;
