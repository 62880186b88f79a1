import { z } from 'zod';
import type { RecipientCircle } from '../platform/index.js';
import { isSafeAddress } from '../mail/index.js';

/** A list slug: lower-case words with dashes (`hkcert`, `police-cstcb`). */
export const listSlugSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,47}$/, 'must be a list slug (a-z, 0-9, -)')
  .describe('List slug, e.g. `hkcert`, `police-cstcb`; policy notification routes name lists by it.');

const memberSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).describe('Name, as the mail greets them.'),
    address: z
      .string()
      .trim()
      .max(254)
      .refine(isSafeAddress, 'must be a plain e-mail address')
      .describe('A plain e-mail address.'),
  })
  .describe('A person the list mails.');

/** A list as administrators write it (`PUT /api/v1/recipient-lists/:slug`). */
export const recipientListInput = z.strictObject({
  name: z.string().trim().min(1).max(200).describe('What the list is, e.g. "HKCERT duty desk".'),
  /** The organisation behind the list: TLP:AMBER+STRICT compares it with the advisory's target. */
  organisation: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe(
      'The organisation behind it: a TLP:AMBER+STRICT advisory goes only to its target organisation.',
    ),
  circle: z
    .enum(['internal', 'constituent', 'partner', 'community', 'public'])
    .describe(
      'How far from the CERT its members are, which decides the TLP it may get: `internal` (the CERT), ' +
        '`constituent` (the bureaux) and `partner` (HKCERT, Police, PCPD…) up to TLP:AMBER, `community` up ' +
        'to TLP:GREEN, `public` TLP:CLEAR only. A list never gets TLP:RED.',
    ),
  members: z.array(memberSchema).min(1).max(500).describe('Who it mails (replaced whole).'),
});
export type RecipientListInput = z.output<typeof recipientListInput>;

/** A stored recipient list. */
export interface RecipientList {
  slug: string;
  name: string;
  organisation: string;
  circle: RecipientCircle;
  members: Array<{ name: string; address: string }>;
  updatedAt: Date;
  /** Set while disabled: kept with its members and history, but nothing is sent to it. */
  disabledAt: Date | null;
}

/** A route the active policy sends mail to, with the policy rules that use it (for messages). */
export interface PolicyRouteUse {
  route: string;
  usedBy: readonly string[];
}
