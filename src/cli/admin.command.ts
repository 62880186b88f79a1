import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { createAuditModule } from '../audit/index.js';
import {
  AUTH_COLLECTIONS,
  createAuthServices,
  createBureauSchema,
  createKeySchema,
  createUserSchema,
  systemActor,
  userListQuerySchema,
  type Actor,
  type AuthServices,
  type BureauContact,
} from '../auth/index.js';
import { cliConfig, cliLogger } from './cli-config.js';
import { connectMongo } from '../platform/db/index.js';
import { parseOrThrow } from '../platform/http/index.js';
import { printTable } from './cli-output.js';

/**
 * Opens the database named by MONGODB_URI, runs one admin command through the same services the API
 * uses, then relays the audit events it wrote so the trail is complete even with no server running.
 */
async function withAuth(work: (services: AuthServices, actor: Actor) => Promise<void>): Promise<void> {
  const config = cliConfig();
  const logger = cliLogger();
  const db = await connectMongo(config.MONGODB_URI ?? '', logger);
  try {
    const services = createAuthServices(db);
    await services.init();
    await work(services, systemActor(`cli:${userInfo().username}`));
    const audit = createAuditModule({ db, config, logger });
    await audit.init();
    for (const collection of Object.values(AUTH_COLLECTIONS)) audit.relay.register(collection);
    await audit.relay.relayNow();
  } finally {
    await db.close();
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--contact "Name,email,role"`, repeatable. */
function parseContact(text: string): BureauContact {
  const [name = '', email = '', role = ''] = text.split(',').map((part) => part.trim());
  return { name, email, role };
}

/** Resolves `--user` given as an id or an email address. */
async function resolveUserId(services: AuthServices, user: string): Promise<string> {
  if (!user.includes('@')) return user;
  const found = await services.users.findByEmail(user);
  if (!found) throw new Error(`no user with email ${user}`);
  return found.id;
}

const day = (date: Date | null): string => (date ? date.toISOString().slice(0, 16).replace('T', ' ') : '-');

/** Registers `bureau create|list`, `user create|list` and `key create|list|revoke`. */
export function registerAdminCommands(program: Command): void {
  const bureau = program.command('bureau').description('bureaux served by the CERT');
  bureau
    .command('create')
    .requiredOption('--code <code>', 'short upper-case code, e.g. DH')
    .requiredOption('--name <name>', 'full name, e.g. "Department of Health"')
    .requiredOption('--regime <regime>', 'reporting regime (repeatable), e.g. HK-GOV', collect, [])
    .option('--contact <name,email,role>', 'a contact (repeatable)', collect, [])
    .action(async (options: { code: string; name: string; regime: string[]; contact: string[] }) => {
      const input = parseOrThrow(
        createBureauSchema,
        {
          code: options.code,
          name: options.name,
          regimes: options.regime,
          contacts: options.contact.map(parseContact),
        },
        '',
      );
      await withAuth(async (services, actor) => {
        const created = await services.bureaux.create(actor, input);
        console.log(`✓ bureau ${created.code} created`);
      });
    });
  bureau.command('list').action(() =>
    withAuth(async (services) => {
      const rows = (await services.bureaux.list()).map((b) => [
        b.code,
        b.name,
        b.regimes.join(','),
        String(b.contacts.length),
      ]);
      printTable(['CODE', 'NAME', 'REGIMES', 'CONTACTS'], rows);
    }),
  );

  const user = program.command('user').description('people and systems, one role each');
  user
    .command('create')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--email <email>', 'unique email address')
    .requiredOption('--role <role>', 'reporter | responder | lead | auditor | admin')
    .option('--bureau <code>', 'bureau code (required for reporters)')
    .action(async (options: { name: string; email: string; role: string; bureau?: string }) => {
      const input = parseOrThrow(
        createUserSchema,
        { name: options.name, email: options.email, role: options.role, bureauId: options.bureau ?? null },
        '',
      );
      await withAuth(async (services, actor) => {
        const created = await services.users.create(actor, input);
        console.log(`✓ user ${created.email} created with id ${created.id}`);
      });
    });
  user
    .command('list')
    .option('--bureau <code>', 'only this bureau')
    .option('--role <role>', 'only this role')
    .action((options: { bureau?: string; role?: string }) =>
      withAuth(async (services) => {
        const filter = parseOrThrow(
          userListQuerySchema,
          {
            ...(options.role ? { role: options.role } : {}),
            ...(options.bureau ? { bureauId: options.bureau } : {}),
          },
          '',
        );
        const users = await services.users.list(filter);
        printTable(
          ['ID', 'ROLE', 'BUREAU', 'EMAIL', 'NAME'],
          users.map((u) => [u.id, u.role, u.bureauId ?? '-', u.email, u.name]),
        );
      }),
    );

  const key = program.command('key').description('API keys (the secret is shown once, at creation)');
  key
    .command('create')
    .requiredOption('--user <id or email>', 'the user the key acts as')
    .requiredOption('--label <label>', 'what uses the key, e.g. "DH SIEM connector"')
    .option('--days <n>', 'days until it expires (default 365, at most 730)')
    .action((options: { user: string; label: string; days?: string }) =>
      withAuth(async (services, actor) => {
        const userId = await resolveUserId(services, options.user);
        const days = options.days === undefined ? undefined : Number(options.days);
        const input = parseOrThrow(
          createKeySchema,
          { userId, label: options.label, expiresInDays: days },
          '',
        );
        const issued = await services.keys.issue(actor, input);
        console.error(
          `✓ key ${issued.keyId} issued, expires ${day(issued.expiresAt)} UTC. Store it now: it is not shown again.`,
        );
        console.log(issued.key);
      }),
    );
  key
    .command('list')
    .option('--user <id or email>', 'only this user')
    .action((options: { user?: string }) =>
      withAuth(async (services) => {
        const filter = options.user ? { userId: await resolveUserId(services, options.user) } : {};
        const rows = (await services.keys.list(filter)).map((k) => [
          k.keyId,
          k.userId,
          k.label,
          day(k.expiresAt),
          k.revokedAt ? `revoked ${day(k.revokedAt)}` : 'active',
          day(k.lastUsedAt),
        ]);
        printTable(['KEY ID', 'USER', 'LABEL', 'EXPIRES', 'STATE', 'LAST USED'], rows);
      }),
    );
  key
    .command('revoke')
    .argument('<keyId>', 'the 12-character key id (the part after gck_)')
    .action((keyId: string) =>
      withAuth(async (services, actor) => {
        const revoked = await services.keys.revoke(actor, keyId);
        console.log(`✓ key ${revoked.keyId} revoked at ${day(revoked.revokedAt)} UTC`);
      }),
    );
}
