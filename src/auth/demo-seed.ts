import { ConflictError, formatTable, type Actor, type Role } from '../platform/index.js';
import type { ApiKeyService } from './api-key.service.js';
import type { CreateBureauInput, CreateUserInput } from './auth.schemas.js';
import type { BureauService } from './bureau.service.js';
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

/**
 * The demo bureaux, each with the two round-the-clock contacts G3 18.1 asks for (a telephone number
 * each), so "My organisation" shows a complete bureau; the numbers are in the range Hong Kong's
 * numbering plan leaves unassigned for drama and examples.
 */
const BUREAUX: CreateBureauInput[] = [
  {
    code: 'DH',
    name: 'Department of Health',
    regimes: ['HK-GOV'],
    contacts: [
      {
        name: 'DH IT Security Officer',
        email: 'itso@dh.gov.hk.example',
        role: 'ITSO',
        phone: '+852 5550 0101',
        roundTheClock: true,
      },
      {
        name: 'DH IT Duty Officer',
        email: 'it-duty@dh.gov.hk.example',
        role: 'IT duty officer',
        phone: '+852 5550 0102',
        roundTheClock: true,
      },
    ],
  },
  {
    code: 'WSD',
    name: 'Water Supplies Department',
    regimes: ['HK-GOV', 'HK-CI'],
    contacts: [
      {
        name: 'WSD IT Security Officer',
        email: 'itso@wsd.gov.hk.example',
        role: 'ITSO',
        phone: '+852 5550 0201',
        roundTheClock: true,
      },
      {
        name: 'WSD Control Centre Duty Manager',
        email: 'duty@wsd.gov.hk.example',
        role: 'CI operator',
        phone: '+852 5550 0202',
        roundTheClock: true,
      },
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
  await confirmDemoContacts(deps, credentials);
  return credentials;
}

type ContactLike = { name: string; email: string; role: string; phone?: string; roundTheClock?: boolean };
const contactKey = (c: ContactLike): string =>
  JSON.stringify([c.name, c.email, c.role, c.phone ?? null, c.roundTheClock === true]);
const sameContacts = (a: readonly ContactLike[], b: readonly ContactLike[]): boolean =>
  a.length === b.length && a.every((contact, i) => contactKey(contact) === contactKey(b[i]));

/**
 * Each demo bureau's contacts confirmed by its demo reporter (audited as any bureau's confirmation), so
 * "My organisation" shows them complete and current. Only while nobody has confirmed them yet: a
 * fresh bureau's contacts are confirmed as seeded; a store seeded before the contacts had phones gets
 * the seed's contacts saved (which confirms them). Contacts someone has confirmed stay as they are.
 */
async function confirmDemoContacts(
  deps: DemoSeedDeps,
  credentials: readonly DemoCredential[],
): Promise<void> {
  for (const seed of BUREAUX) {
    const bureau = await deps.bureaux.getBureau(seed.code);
    if (!bureau || bureau.contactsConfirmedAt !== null) continue;
    const fresh = sameContacts(bureau.contacts, seed.contacts);
    if (!fresh && bureau.contacts.some((contact) => contact.roundTheClock)) continue;
    const reporter = credentials.find((c) => c.role === 'reporter' && c.bureauId === seed.code);
    const user = reporter ? await deps.users.findByEmail(reporter.email) : null;
    if (!user) continue;
    const actor: Actor = {
      userId: user.id,
      keyId: null,
      role: 'reporter',
      bureauId: seed.code,
      name: user.name,
    };
    if (fresh) await deps.bureaux.confirmContacts(actor, seed.code);
    else await deps.bureaux.updateContacts(actor, seed.code, { contacts: seed.contacts });
  }
}

/** The credentials as a fixed-width table for the console. */
export function formatDemoCredentials(credentials: readonly DemoCredential[]): string {
  const rows = credentials.map((c) => [c.role, c.bureauId ?? '-', c.email, c.key]);
  return formatTable(['ROLE', 'BUREAU', 'USER', 'API KEY (Authorization: Bearer ...)'], rows, { rule: true });
}
