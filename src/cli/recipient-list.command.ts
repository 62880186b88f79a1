import type { Command } from 'commander';
import {
  NOTIFICATION_COLLECTIONS,
  createRecipientLists,
  listSlugSchema,
  missingLists,
  recipientListInput,
} from '../notifications/index.js';
import { parseOrThrow } from '../platform/http/index.js';
import { policyRoutes } from '../triage/index.js';
import { printTable } from './cli-output.js';
import { withStore, type CliStore } from './cli-store.js';

/** Runs `work` with the recipient lists; their audit events are relayed like the auth module's. */
function withLists(
  work: (lists: ReturnType<typeof createRecipientLists>['lists'], store: CliStore) => Promise<void>,
): Promise<void> {
  return withStore(
    async (store) => {
      const { lists, init } = createRecipientLists(store.db, store.auth.bureaux);
      await init();
      await work(lists, store);
    },
    [NOTIFICATION_COLLECTIONS.lists],
  );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--member "Name,address"`, repeatable. */
function parseMember(text: string): { name: string; address: string } {
  const comma = text.lastIndexOf(',');
  return { name: text.slice(0, Math.max(comma, 0)).trim(), address: text.slice(comma + 1).trim() };
}

/**
 * Registers `recipient-list put|list|check`: the lists policy routes and advisories send to. A
 * production start refuses while a route of the active policy has no list; these commands fix that
 * without a running server.
 */
export function registerRecipientListCommands(program: Command): void {
  const group = program
    .command('recipient-list')
    .description('recipient lists: where policy routes (regulators, partners, duty staff) send mail');
  group
    .command('put')
    .description('create or replace a list (audited)')
    .argument('<slug>', 'the route name the policy uses, e.g. ci-commissioner')
    .requiredOption('--name <name>', 'what the list is, e.g. "Commissioner of Critical Infrastructure"')
    .requiredOption(
      '--organisation <organisation>',
      'the organisation behind it (TLP:AMBER+STRICT compares it)',
    )
    .requiredOption('--circle <circle>', 'internal | constituent | partner | community | public')
    .requiredOption('--member <name,address>', 'a member (repeatable)', collect, [])
    .action(
      async (
        slug: string,
        options: { name: string; organisation: string; circle: string; member: string[] },
      ) => {
        const route = parseOrThrow(listSlugSchema, slug, 'slug');
        const input = parseOrThrow(
          recipientListInput,
          {
            name: options.name,
            organisation: options.organisation,
            circle: options.circle,
            members: options.member.map(parseMember),
          },
          '',
        );
        await withLists(async (lists, { actor }) => {
          const saved = await lists.upsert(actor, route, input);
          console.log(`✓ recipient list ${saved.slug} saved with ${String(saved.members.length)} member(s)`);
        });
      },
    );
  group.command('list').action(() =>
    withLists(async (lists) => {
      const rows = (await lists.list()).map((l) => [
        l.slug,
        l.circle,
        l.organisation,
        l.members.map((m) => m.address).join(', '),
      ]);
      printTable(['SLUG', 'CIRCLE', 'ORGANISATION', 'MEMBERS'], rows);
    }),
  );
  group
    .command('check')
    .description('routes of the active policy with no list (exit code 1 when there are any)')
    .action(() =>
      withLists(async (lists, store) => {
        const missing = await missingLists(lists, policyRoutes(store.policy()));
        printTable(
          ['MISSING LIST', 'USED BY'],
          missing.map((m) => [m.route, m.usedBy.join(', ')]),
        );
        if (missing.length > 0) process.exitCode = 1;
      }),
    );
}
