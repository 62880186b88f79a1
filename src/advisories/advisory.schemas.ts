import { z } from 'zod';
import { INDICATOR_TYPES, PAP_LEVELS, TLP_LEVELS } from './advisory.types.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be an id');
const revisionNumber = z.number().int().min(1);

const productSchema = z.strictObject({
  productId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a product id'),
  name: text(300),
  cpe: text(500).optional(),
});

const vulnerabilitySchema = z.strictObject({
  cve: z
    .string()
    .regex(/^CVE-\d{4}-\d{4,}$/, 'must be a CVE id')
    .optional(),
  title: text(300),
  description: text(10_000),
  cvssV4: z.strictObject({ baseScore: z.number().min(0).max(10), vectorString: text(300) }).optional(),
  knownAffected: z.array(z.string().min(1)).min(1).max(200),
  fixed: z.array(z.string().min(1)).max(200).optional(),
  remediation: z
    .strictObject({
      category: z.enum(['mitigation', 'vendor_fix', 'workaround', 'none_available']),
      details: text(5000),
      url: z.url().optional(),
    })
    .optional(),
});

/** Everything an advisory says; each revision holds a full copy. */
export const advisoryContentSchema = z.strictObject({
  title: text(300),
  tlp: z.enum(TLP_LEVELS),
  pap: z.enum(PAP_LEVELS),
  summary: text(20_000),
  affectedSystems: z.array(text(500)).max(100).default([]),
  recommendations: z.array(text(2000)).max(100).default([]),
  references: z
    .array(z.strictObject({ title: text(300), url: z.url({ protocol: /^https?$/ }).max(2048) }))
    .max(100)
    .default([]),
  relatedIncidents: z.array(objectId).max(100).default([]),
  indicators: z
    .array(
      z.strictObject({
        type: z.enum(INDICATOR_TYPES),
        value: text(2048),
        description: text(1000).optional(),
      }),
    )
    .max(1000)
    .default([]),
  /** The one organisation a TLP:AMBER+STRICT advisory is for. */
  targetOrganisation: text(200).optional(),
  /**
   * The people it goes to by name, approved with the revision: a TLP:RED or AMBER+STRICT send may name
   * no one else. Their organisation and circle come from the recipient directory at send time.
   */
  namedRecipients: z
    .array(z.strictObject({ name: text(200), address: z.email().max(254).toLowerCase() }))
    .max(200)
    .optional(),
  products: z.array(productSchema).max(200).optional(),
  vulnerabilities: z.array(vulnerabilitySchema).max(100).optional(),
});
export type AdvisoryContent = z.output<typeof advisoryContentSchema>;

/** Draft templates: starting points that fill what the author leaves out. */
export const DRAFT_TEMPLATES = ['blank', 'vulnerability', 'phishing-campaign'] as const;

/** `POST /api/v1/advisories`: a template plus any content fields (checked after the merge). */
export const draftAdvisorySchema = advisoryContentSchema.partial().extend({
  template: z.enum(DRAFT_TEMPLATES).default('blank'),
  note: text(500).optional(),
});

/** `POST /api/v1/advisories/:id/revisions`: changes on top of `baseRevision`, which must be the latest. */
export const reviseAdvisorySchema = z.strictObject({
  baseRevision: revisionNumber,
  note: text(500),
  changes: advisoryContentSchema.partial(),
});

/** `POST /api/v1/advisories/:id/approve`: the revision the lead has read and approves. */
export const approveAdvisorySchema = z.strictObject({ revision: revisionNumber });

/**
 * A recipient named in a send (not from a list). `organisation` and `circle` are deprecated: they come
 * from the recipient directory; still accepted, and refused (422) when they contradict it.
 */
const namedRecipientSchema = z.strictObject({
  name: text(200).optional(),
  address: z.email().max(254).toLowerCase(),
  /** Deprecated: taken from the recipient directory; refused when it contradicts the directory. */
  organisation: text(200).optional(),
  /** Deprecated: taken from the recipient directory; refused when it contradicts the directory. */
  circle: z.enum(['internal', 'constituent', 'partner', 'community', 'public']).optional(),
});
export type NamedRecipientInput = z.output<typeof namedRecipientSchema>;

/**
 * `POST /api/v1/advisories/:id/send`: an approved revision (default: the latest approved) to lists and
 * people. Without `recipients`, the revision's approved `namedRecipients` are named.
 */
export const sendAdvisorySchema = z.strictObject({
  revision: revisionNumber.optional(),
  /** Recipient list slugs or `bureau:<code>` for a bureau's contacts. */
  lists: z
    .array(z.string().regex(/^(bureau:[A-Z][A-Z0-9]{1,15}|[a-z][a-z0-9-]{1,47})$/, 'must be a list'))
    .max(50)
    .default([]),
  recipients: z.array(namedRecipientSchema).max(200).optional(),
});

export const advisoryIdParams = z.strictObject({ id: objectId });
export const exportQuery = z.strictObject({ revision: z.coerce.number().int().min(1).optional() });
export const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(50) });
