import { StartRefusedError, type Logger } from '../platform/index.js';
import type { RecipientListService } from './recipient-list.service.js';
import type { PolicyRouteUse } from './recipient-list.types.js';

/** How an operator creates a missing list; the same words in the refusal, the warning and the CLI. */
export const CREATE_LIST_HELP =
  'Create each list with `npx govcert recipient-list put <slug> --name "..." --organisation "..." ' +
  '--circle partner --member "Name,address@example.org"` (or `PUT /api/v1/recipient-lists/<slug>` as an ' +
  'admin on a running instance); `npx govcert recipient-list check` lists what is still missing.';

/** The routes of the policy that name a list that does not exist, with the rules that use each. */
export async function missingLists(
  lists: RecipientListService,
  routes: readonly PolicyRouteUse[],
): Promise<PolicyRouteUse[]> {
  const missing = new Set(await lists.missing(routes.map((r) => r.route)));
  return routes.filter((r) => missing.has(r.route));
}

const describe = (missing: readonly PolicyRouteUse[]): string =>
  missing.map((m) => `${m.route} (used by ${m.usedBy.join(', ')})`).join('; ');

/**
 * Checks at start that every route of the active policy has a recipient list. A mail whose route has
 * no list reaches nobody, and for a regulator that is a missed legal deadline: in production that
 * refuses the start (naming every missing list, with how to create them); elsewhere it is a warning.
 */
export async function checkRouteCoverage(
  lists: RecipientListService,
  routes: readonly PolicyRouteUse[],
  options: { refuse: boolean; logger: Logger },
): Promise<void> {
  const missing = await missingLists(lists, routes);
  if (missing.length === 0) return;
  const slugs = missing.map((m) => m.route);
  if (options.refuse) {
    throw new StartRefusedError(
      `The active policy sends mail to recipient lists that do not exist: ${describe(missing)}. ` +
        `Mail to them would reach nobody. ${CREATE_LIST_HELP}`,
      'recipient_lists_missing',
      { details: missing, help: CREATE_LIST_HELP },
    );
  }
  options.logger.warn(
    { missing: slugs, help: CREATE_LIST_HELP },
    `recipient lists missing for routes of the active policy: ${slugs.join(', ')}`,
  );
}
