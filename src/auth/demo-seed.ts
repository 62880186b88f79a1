import { ConflictError } from '../platform/errors.js';
import { formatTable } from '../platform/text-table.js';
import type { Actor } from './actor.js';
import type { ApiKeyService } from './api-key.service.js';
import type { CreateBureauInput, CreateUserInput } from './auth.schemas.js';
import type { BureauService } from './bureau.service.js';
import type { Role } from './permissions.js';
import type { UserService } from './user.service.js';

/** One demo login, printed at start. */
export interface DemoCredential {
  role: Role;
  name: string;
  email: string;
  bureauId: string | null;
  key: string;
}

export const DEMO_KEY_LABEL = 'demo';

const BUREAUX: CreateBureauInput[] = [
  {
    code: 'DH',
    name: 'Department of Health',
    regimes: ['HK-GOV'],
    contacts: [{ name: 'DH IT Security Officer', email: 'itso@dh.gov.hk.example', role: 'ITSO' }],
  },
  {
    code: 'WSD',
    name: 'Water Supplies Department',
    regimes: ['HK-GOV', 'HK-CI'],
    contacts: [
      { name: 'WSD IT Security Officer', email: 'itso@wsd.gov.hk.example', role: 'ITSO' },
      { name: 'WSD Control Centre Duty Manager', email: 'duty@wsd.gov.hk.example', role: 'CI operator' },
    ],
  },
];

const USERS: CreateUserInput[] = [
  { name: 'Demo Reporter (DH)', email: 'reporter.dh@demo.govcert.example', role: 'reporter', bureauId: 'DH' },
  {
    name: 'Demo Reporter (WSD)',
    email: 'reporter.wsd@demo.govcert.example',
    role: 'reporter',
    bureauId: 'WSD',
  },
  { name: 'Demo Responder', email: 'responder@demo.govcert.example', role: 'responder', bureauId: null },
  { name: 'Demo Lead', email: 'lead@demo.govcert.example', role: 'lead', bureauId: null },
  { name: 'Demo Auditor', email: 'auditor@demo.govcert.example', role: 'auditor', bureauId: null },
  { name: 'Demo Admin', email: 'admin@demo.govcert.example', role: 'admin', bureauId: null },
];

/** Another process seeding at the same moment won the insert: the record exists, which is the goal. */
function alreadyThere(err: unknown): void {
  if (!(err instanceof ConflictError)) throw err;
}

export interface DemoSeedDeps {
  bureaux: BureauService;
  users: UserService;
  keys: ApiKeyService;
}

/**
 * Seeds the demo bureaux and users when missing (never duplicated, matched by code and email) and
 * issues a fresh 30-day demo key for each user on every start, revoking the previous demo keys:
 * secrets are stored hashed, so an old key could not be printed again, and revoking keeps exactly one
 * live demo key per user. Everything goes through the services, so every step is audited.
 */
export async function seedDemo(deps: DemoSeedDeps, actor: Actor): Promise<DemoCredential[]> {
  for (const bureau of BUREAUX) {
    if (!(await deps.bureaux.getBureau(bureau.code))) {
      await deps.bureaux.create(actor, bureau).catch(alreadyThere);
    }
  }
  const credentials: DemoCredential[] = [];
  for (const input of USERS) {
    const existing = await deps.users.findByEmail(input.email);
    const user =
      existing ??
      (await deps.users.create(actor, input).catch(async (err: unknown) => {
        alreadyThere(err);
        return deps.users.require((await deps.users.findByEmail(input.email))?.id ?? '');
      }));
    for (const old of await deps.keys.list({ userId: user.id })) {
      if (old.label === DEMO_KEY_LABEL && !old.revokedAt) await deps.keys.revoke(actor, old.keyId);
    }
    const issued = await deps.keys.issue(actor, {
      userId: user.id,
      label: DEMO_KEY_LABEL,
      expiresInDays: 30,
    });
    credentials.push({
      role: user.role,
      name: user.name,
      email: user.email,
      bureauId: user.bureauId,
      key: issued.key,
    });
  }
  return credentials;
}

/** The credentials as a fixed-width table for the console. */
export function formatDemoCredentials(credentials: readonly DemoCredential[]): string {
  const rows = credentials.map((c) => [c.role, c.bureauId ?? '-', c.email, c.key]);
  return formatTable(['ROLE', 'BUREAU', 'USER', 'API KEY (Authorization: Bearer ...)'], rows, { rule: true });
}
