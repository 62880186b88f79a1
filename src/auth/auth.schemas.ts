import { z } from 'zod';
import { ROLES } from '../platform/index.js';

/** Bureau codes are short upper-case mnemonics (`DH`, `WSD`, `OGCIO`), used as ids across the system. */
export const bureauCodeSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,15}$/, 'must be 2-16 upper-case letters or digits, starting with a letter')
  .describe('Bureau code, its id: 2-16 upper-case letters or digits, e.g. `DH`, `WSD`, `OGCIO`.');
const userId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a user id');

/** A telephone number as people write it: digits, spaces, `+`, `-`, brackets; 8 digits at least. */
export const PHONE_PATTERN = /^\+?[0-9 ()-]{8,30}$/;

const contactSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).describe('Full name.'),
    email: z.email().max(254).describe('E-mail address.'),
    role: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .describe('Their part, e.g. "ISIRT Commander", "Round-the-clock contact".'),
    phone: z
      .string()
      .trim()
      .regex(PHONE_PATTERN, 'must be a telephone number (digits, spaces, +, -, brackets)')
      .optional()
      .describe('A number to call at any hour, e.g. `+852 2810 1234`.'),
    roundTheClock: z
      .boolean()
      .optional()
      .describe('One of the two round-the-clock contacts G3 18.1 asks of every bureau (needs `phone`).'),
  })
  .refine((contact) => !contact.roundTheClock || contact.phone !== undefined, {
    path: ['phone'],
    message: 'a round-the-clock contact needs a telephone number',
  })
  .describe('A person of the bureau’s incident response team.');

const bureauNameSchema = z.string().trim().min(2).max(200).describe('Full name of the bureau.');
/** The shape of each regime; whether the installed policy packs know it is checked by the service. */
const regimesSchema = z
  .array(z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'must be an upper-case regime code such as HK-GOV'))
  .min(1)
  .max(10)
  .refine((regimes) => new Set(regimes).size === regimes.length, 'must not name a regime twice')
  .describe(
    'Regimes the bureau is subject to, each one an installed policy pack implements (`HK-GOV`, and ' +
      '`HK-CI` for a critical infrastructure operator…): every incident of the bureau gets their deadlines.',
  );
const contactsSchema = z
  .array(contactSchema)
  .max(20)
  .describe('The bureau’s incident response contacts (replaced whole).');

export const createBureauSchema = z.strictObject({
  code: bureauCodeSchema,
  name: bureauNameSchema,
  regimes: regimesSchema,
  contacts: contactsSchema.default([]),
});
export type CreateBureauInput = z.output<typeof createBureauSchema>;

/** An edit: any of name, regimes and contacts, each replaced whole (the code is the id, fixed). */
export const updateBureauSchema = z
  .strictObject({
    name: bureauNameSchema.optional(),
    regimes: regimesSchema.optional(),
    contacts: contactsSchema.optional(),
  })
  .refine((edit) => Object.keys(edit).length > 0, {
    message: 'name at least one of name, regimes, contacts',
  });
export type UpdateBureauInput = z.output<typeof updateBureauSchema>;

/** A bureau's contacts replaced whole (the organisation page; reporters of the bureau, administrators). */
export const bureauContactsSchema = z.strictObject({ contacts: contactsSchema });
export type BureauContactsInput = z.output<typeof bureauContactsSchema>;

export const bureauParamsSchema = z.strictObject({ code: bureauCodeSchema });

export const createUserSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).describe('Full name.'),
    email: z
      .email()
      .max(254)
      .transform((email) => email.toLowerCase())
      .describe('E-mail address (unique; stored in lower case).'),
    role: z
      .enum(ROLES)
      .describe(
        '`reporter` (files and follows their own bureau’s incidents), `responder` (works the queues, merges ' +
          'duplicates, drafts and sends advisories), `lead` (also assigns and approves advisories), `auditor` ' +
          '(reads everything, verifies the trail, exports) or `admin` (bureaux, users and keys).',
      ),
    bureauId: bureauCodeSchema
      .nullable()
      .default(null)
      .describe('The bureau of a reporter (required for them); null for CERT staff.'),
  })
  .refine((user) => user.role !== 'reporter' || user.bureauId !== null, {
    path: ['bureauId'],
    message: 'reporters must belong to a bureau',
  });
export type CreateUserInput = z.output<typeof createUserSchema>;

/** Keys always expire: a forgotten integration must not hold access for ever. */
export const MAX_KEY_DAYS = 730;
export const DEFAULT_KEY_DAYS = 365;

export const createKeySchema = z.strictObject({
  userId: userId.describe('The user the key acts as (with their role and bureau).'),
  label: z.string().trim().min(1).max(100).describe('What the key is for, e.g. "SIEM integration".'),
  expiresInDays: z
    .number()
    .int()
    .min(1)
    .max(MAX_KEY_DAYS)
    .default(DEFAULT_KEY_DAYS)
    .describe(`Days until it stops working (keys always expire; at most ${MAX_KEY_DAYS}).`),
});
export type CreateKeyInput = z.output<typeof createKeySchema>;

export const userIdParamsSchema = z.strictObject({ userId: userId.describe('User id.') });
export const keyIdParamsSchema = z.strictObject({
  keyId: z
    .string()
    .regex(/^[0-9A-Za-z]{12}$/)
    .describe('Key id: the 12 characters after `gck_` (never the secret part).'),
});
export const userListQuerySchema = z.strictObject({
  bureauId: bureauCodeSchema.optional().describe('Only users of this bureau.'),
  role: z.enum(ROLES).optional().describe('Only users with this role.'),
});
export const keyListQuerySchema = z.strictObject({
  userId: userId.optional().describe('Only this user’s keys.'),
});
