import { z } from 'zod';
import { ROLES } from './permissions.js';

/** Bureau codes are short upper-case mnemonics (`DH`, `WSD`, `OGCIO`), used as ids across the system. */
export const bureauCodeSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,15}$/, 'must be 2-16 upper-case letters or digits, starting with a letter');

const contactSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  role: z.string().trim().min(1).max(100),
});

const bureauNameSchema = z.string().trim().min(2).max(200);
/** The shape of each regime; whether the installed policy packs know it is checked by the service. */
const regimesSchema = z
  .array(z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'must be an upper-case regime code such as HK-GOV'))
  .min(1)
  .max(10)
  .refine((regimes) => new Set(regimes).size === regimes.length, 'must not name a regime twice');
const contactsSchema = z.array(contactSchema).max(20);

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

export const bureauParamsSchema = z.strictObject({ code: bureauCodeSchema });

export const createUserSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    email: z
      .email()
      .max(254)
      .transform((email) => email.toLowerCase()),
    role: z.enum(ROLES),
    bureauId: bureauCodeSchema.nullable().default(null),
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
  userId: z.string().regex(/^[0-9a-f]{24}$/, 'must be a user id'),
  label: z.string().trim().min(1).max(100),
  expiresInDays: z.number().int().min(1).max(MAX_KEY_DAYS).default(DEFAULT_KEY_DAYS),
});
export type CreateKeyInput = z.output<typeof createKeySchema>;

export const userIdParamsSchema = z.strictObject({
  userId: z.string().regex(/^[0-9a-f]{24}$/, 'must be a user id'),
});
export const keyIdParamsSchema = z.strictObject({ keyId: z.string().regex(/^[0-9A-Za-z]{12}$/) });
export const userListQuerySchema = z.strictObject({
  bureauId: bureauCodeSchema.optional(),
  role: z.enum(ROLES).optional(),
});
export const keyListQuerySchema = z.strictObject({
  userId: z
    .string()
    .regex(/^[0-9a-f]{24}$/)
    .optional(),
});
