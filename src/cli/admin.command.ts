import type { Command } from 'commander';
import {
  createBureauSchema,
  createKeySchema,
  createUserSchema,
  updateBureauSchema,
  userListQuerySchema,
  type Actor,
  type AuthServices,
  type BureauContact,
} from '../auth/index.js';
import { parseOrThrow } from '../platform/http/index.js';
import { withStore } from './cli-store.js';
import { printTable } from './cli-output.js';

/** Runs one admin command through the same services the API uses (see `withStore`). */
function withAuth(work: (services: AuthServices, actor: Actor) => Promise<void>): Promise<void> {
  return withStore(({ auth, actor }) => work(auth, actor));
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

/**
 * Registers `bureau create|list|edit|deactivate|reactivate`, `user create|list|disable|enable` and
 * `key create|list|revoke`.
 */
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
        b.active ? 'active' : `deactivated ${day(b.deactivatedAt)}`,
      ]);
      printTable(['CODE', 'NAME', 'REGIMES', 'CONTACTS', 'STATE'], rows);
    }),
  );
  bureau
    .command('edit')
    .description('replace the name, the regimes or the contacts (each given replaces the whole field)')
    .argument('<code>', 'the bureau code, e.g. DH')
    .option('--name <name>', 'new full name')
    .option('--regime <regime>', 'reporting regime (repeatable): replaces all regimes', collect, [])
    .option('--contact <name,email,role>', 'a contact (repeatable): replaces all contacts', collect, [])
    .option('--no-contacts', 'remove every contact')
    .action(
      async (
        code: string,
        options: { name?: string; regime: string[]; contact: string[]; contacts: boolean },
      ) => {
        const input = parseOrThrow(
          updateBureauSchema,
          {
            ...(options.name === undefined ? {} : { name: options.name }),
            ...(options.regime.length > 0 ? { regimes: options.regime } : {}),
            ...(options.contact.length > 0 ? { contacts: options.contact.map(parseContact) } : {}),
            ...(options.contacts ? {} : { contacts: [] }),
          },
          '',
        );
        await withAuth(async (services, actor) => {
          const updated = await services.bureaux.update(actor, code, input);
          console.log(`✓ bureau ${updated.code}: ${updated.name}, regimes ${updated.regimes.join(',')}`);
        });
      },
    );
  bureau
    .command('deactivate')
    .description('the bureau files no new reports; its incidents stay readable')
    .argument('<code>', 'the bureau code')
    .action((code: string) =>
      withAuth(async (services, actor) => {
        const done = await services.bureaux.setActive(actor, code, false);
        console.log(`✓ bureau ${done.code} deactivated at ${day(done.deactivatedAt)} UTC`);
      }),
    );
  bureau
    .command('reactivate')
    .argument('<code>', 'the bureau code')
    .action((code: string) =>
      withAuth(async (services, actor) => {
        const done = await services.bureaux.setActive(actor, code, true);
        console.log(`✓ bureau ${done.code} active`);
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
          ['ID', 'ROLE', 'BUREAU', 'EMAIL', 'NAME', 'STATE'],
          users.map((u) => [
            u.id,
            u.role,
            u.bureauId ?? '-',
            u.email,
            u.name,
            u.disabledAt ? `disabled ${day(u.disabledAt)}` : 'enabled',
          ]),
        );
      }),
    );
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(name)
      .description(
        disabled
          ? "the user's keys stop working with their next request"
          : "the user's unrevoked, unexpired keys work again",
      )
      .argument('<id or email>', 'the user')
      .action((who: string) =>
        withAuth(async (services, actor) => {
          const done = await services.users.setDisabled(actor, await resolveUserId(services, who), disabled);
          console.log(
            `✓ user ${done.email} ${done.disabledAt ? `disabled at ${day(done.disabledAt)} UTC` : 'enabled'}`,
          );
        }),
      );
  }

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
