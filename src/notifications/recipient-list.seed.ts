import type { Actor } from '../auth/index.js';
import type { RecipientListService } from './recipient-list.service.js';
import type { RecipientListInput } from './recipient-list.types.js';

/**
 * Demo lists written out for the partners and duty staff advisories and the default pack name; every
 * other route of the policy gets a generated list (see {@link generatedList}).
 */
const DEMO_LISTS: Record<string, RecipientListInput> = {
  hkcert: {
    name: 'HKCERT Coordination Centre',
    organisation: 'HKCERT',
    circle: 'partner',
    members: [{ name: 'HKCERT Duty Desk', address: 'duty@hkcert.example' }],
  },
  'police-cstcb': {
    name: 'Hong Kong Police Force, Cyber Security and Technology Crime Bureau',
    organisation: 'Hong Kong Police Force',
    circle: 'partner',
    members: [{ name: 'CSTCB Duty Officer', address: 'cstcb-duty@police.gov.hk.example' }],
  },
  pcpd: {
    name: 'Office of the Privacy Commissioner for Personal Data',
    organisation: 'PCPD',
    circle: 'partner',
    members: [{ name: 'PCPD Data Breach Notifications', address: 'dbn@pcpd.org.hk.example' }],
  },
  'giro-so': {
    name: 'GIRO Standing Office',
    organisation: 'GovCERT.HK',
    circle: 'internal',
    members: [{ name: 'GIRO-SO Duty Officer', address: 'giro-so@govcert.gov.hk.example' }],
  },
  'cert-duty': {
    name: 'GovCERT.HK duty officers',
    organisation: 'GovCERT.HK',
    circle: 'internal',
    members: [{ name: 'GovCERT.HK Duty Officer', address: 'duty@govcert.gov.hk.example' }],
  },
};

/**
 * A demo list for a route nobody wrote one for, so that a pack added to `policies/` is served in the
 * demo without code: one member on a demo domain. The circle is `partner` (outside the CERT), the
 * stricter assumption for TLP checks when nothing says who the route reaches.
 */
function generatedList(route: string): RecipientListInput {
  const name = route.replace(/-/g, ' ');
  return {
    name: `Demo recipients of route ${route}`,
    organisation: `Demo ${name}`,
    circle: 'partner',
    members: [{ name: `Demo ${name}`, address: `${route}@recipients.demo.govcert.example` }],
  };
}

/**
 * Seeds the demo lists that do not exist yet (never overwrites an administrator's edits): the written
 * ones, and one for every list route of the installed policy packs, so no mandatory mail of the demo
 * goes to a route without a list.
 */
export async function seedDemoLists(
  lists: RecipientListService,
  actor: Actor,
  policyRoutes: readonly string[],
): Promise<void> {
  const existing = new Set((await lists.list()).map((l) => l.slug));
  const wanted = new Map(Object.entries(DEMO_LISTS));
  for (const route of policyRoutes) {
    if (lists.isListRoute(route) && !wanted.has(route)) wanted.set(route, generatedList(route));
  }
  for (const [slug, input] of wanted) {
    if (!existing.has(slug)) await lists.upsert(actor, slug, input);
  }
}
