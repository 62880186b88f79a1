import type { Actor } from '../auth/index.js';
import type { RecipientListService } from './recipient-list.service.js';
import type { RecipientListInput } from './recipient-list.types.js';

/** Demo partner and duty lists, one per route the default policy pack and the advisories use. */
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

/** Seeds the demo lists that do not exist yet (never overwrites an administrator's edits). */
export async function seedDemoLists(lists: RecipientListService, actor: Actor): Promise<void> {
  const existing = new Set((await lists.list()).map((l) => l.slug));
  for (const [slug, input] of Object.entries(DEMO_LISTS)) {
    if (!existing.has(slug)) await lists.upsert(actor, slug, input);
  }
}
