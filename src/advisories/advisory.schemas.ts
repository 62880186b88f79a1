import { z } from 'zod';
import { INDICATOR_TYPES, PAP_LEVELS, TLP_LEVELS } from './advisory.types.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be an id');
const revisionNumber = z.number().int().min(1);

const productSchema = z
  .strictObject({
    productId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a product id')
      .describe('Id the vulnerabilities refer to, e.g. `vpn-gw-9`.'),
    name: text(300).describe('Product name and version.'),
    cpe: text(500).optional().describe('Its CPE 2.3 name, when there is one.'),
  })
  .describe('A product the advisory is about (CSAF product tree).');

const vulnerabilitySchema = z
  .strictObject({
    cve: z
      .string()
      .regex(/^CVE-\d{4}-\d{4,}$/, 'must be a CVE id')
      .optional()
      .describe('CVE id, e.g. `CVE-2026-12345`.'),
    title: text(300).describe('Short title.'),
    description: text(10_000).describe('What the weakness is and what an attacker can do.'),
    cvssV4: z
      .strictObject({
        baseScore: z
          .number()
          .min(0)
          .max(10)
          .describe(
            'CVSS v4.0 base score: 0 none, 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10 critical.',
          ),
        vectorString: text(300).describe('CVSS v4.0 vector, e.g. `CVSS:4.0/AV:N/AC:L/…`.'),
      })
      .optional()
      .describe('CVSS v4.0 score.'),
    knownAffected: z
      .array(z.string().min(1).describe('A `productId`.'))
      .min(1)
      .max(200)
      .describe('`productId`s known to be affected.'),
    fixed: z
      .array(z.string().min(1).describe('A `productId`.'))
      .max(200)
      .optional()
      .describe('`productId`s in which it is fixed.'),
    remediation: z
      .strictObject({
        category: z
          .enum(['mitigation', 'vendor_fix', 'workaround', 'none_available'])
          .describe('Kind of remedy (CSAF remediation category).'),
        details: text(5000).describe('What to do.'),
        url: z.url().optional().describe('Where to read more or get the fix.'),
      })
      .optional()
      .describe('What to do about it.'),
  })
  .describe('A vulnerability (CSAF security advisory).');

/** Everything an advisory says; each revision holds a full copy. */
export const advisoryContentSchema = z.strictObject({
  title: text(300).describe('Title, as in the mail subject (after the TLP label).'),
  tlp: z
    .enum(TLP_LEVELS)
    .describe(
      'TLP 2.0 label: who may receive it. `CLEAR` no limit; `GREEN` the community, not public channels; ' +
        '`AMBER` organisations and their clients, need to know; `AMBER+STRICT` the target organisation ' +
        'only; `RED` named people only. Sending wider is refused.',
    ),
  pap: z
    .enum(PAP_LEVELS)
    .describe(
      'PAP: what recipients may do with it. `RED` passive only, `AMBER` passive cross-checks, `GREEN` active, `CLEAR` no limit.',
    ),
  summary: text(20_000).describe('What is going on and why it matters to the recipient.'),
  affectedSystems: z
    .array(text(500).describe('A system or product.'))
    .max(100)
    .default([])
    .describe('Systems or products affected.'),
  recommendations: z
    .array(text(2000).describe('One recommendation.'))
    .max(100)
    .default([])
    .describe('What recipients should do, in order.'),
  references: z
    .array(
      z
        .strictObject({
          title: text(300).describe('Title of the source.'),
          url: z
            .url({ protocol: /^https?$/ })
            .max(2048)
            .describe('Its http(s) address.'),
        })
        .describe('A source to read further.'),
    )
    .max(100)
    .default([])
    .describe('Sources (CSAF wants at least one for an informational advisory).'),
  relatedIncidents: z
    .array(objectId.describe('Incident id.'))
    .max(100)
    .default([])
    .describe('Incidents the advisory stems from (kept internal).'),
  indicators: z
    .array(
      z
        .strictObject({
          type: z.enum(INDICATOR_TYPES).describe('Kind of indicator.'),
          value: text(2048).describe('The value.'),
          description: text(1000).optional().describe('What it is (C2 server, phishing sender…).'),
        })
        .describe('An indicator of compromise.'),
    )
    .max(1000)
    .default([])
    .describe('Indicators to look for; listed in the mail and exportable as STIX 2.1.'),
  /** The one organisation a TLP:AMBER+STRICT advisory is for. */
  targetOrganisation: text(200)
    .optional()
    .describe(
      'For TLP:AMBER+STRICT: the one organisation it is for (lists of other organisations are refused).',
    ),
  /**
   * The people it goes to by name, approved with the revision: a TLP:RED or AMBER+STRICT send may name
   * no one else. Their organisation and circle come from the recipient directory at send time.
   */
  namedRecipients: z
    .array(
      z
        .strictObject({
          name: text(200).describe('Name.'),
          address: z.email().max(254).toLowerCase().describe('E-mail address.'),
        })
        .describe('A person it goes to by name.'),
    )
    .max(200)
    .optional()
    .describe(
      'The people it goes to by name, approved with the revision: a TLP:RED or AMBER+STRICT send may name no one else.',
    ),
  products: z.array(productSchema).max(200).optional().describe('Products concerned (for CSAF).'),
  vulnerabilities: z
    .array(vulnerabilitySchema)
    .max(100)
    .optional()
    .describe('Vulnerabilities; with them the CSAF export is a security advisory.'),
});
export type AdvisoryContent = z.output<typeof advisoryContentSchema>;

/** Draft templates: starting points that fill what the author leaves out. */
export const DRAFT_TEMPLATES = ['blank', 'vulnerability', 'phishing-campaign'] as const;

/** `POST /api/v1/advisories`: a template plus any content fields (checked after the merge). */
export const draftAdvisorySchema = advisoryContentSchema.partial().extend({
  template: z
    .enum(DRAFT_TEMPLATES)
    .default('blank')
    .describe(
      'Starting point that fills what you leave out: `blank`, `vulnerability` or `phishing-campaign`.',
    ),
  note: text(500).optional().describe('Why this draft (kept with revision 1).'),
});

/** `POST /api/v1/advisories/:id/revisions`: changes on top of `baseRevision`, which must be the latest. */
export const reviseAdvisorySchema = z.strictObject({
  baseRevision: revisionNumber.describe(
    'The revision you edited: it must still be the latest (409 otherwise).',
  ),
  note: text(500).describe('What changed and why.'),
  changes: advisoryContentSchema
    .partial()
    .describe('The fields that change; the rest is copied from `baseRevision`.'),
});

/** `POST /api/v1/advisories/:id/approve`: the revision the lead has read and approves. */
export const approveAdvisorySchema = z.strictObject({
  revision: revisionNumber.describe('The revision you read and approve for sending.'),
});

/**
 * A recipient named in a send (not from a list). `organisation` and `circle` are deprecated: they come
 * from the recipient directory; still accepted, and refused (422) when they contradict it.
 */
const deprecated = 'Deprecated: taken from the recipient directory; refused (422) when it contradicts it.';
const namedRecipientSchema = z
  .strictObject({
    name: text(200).optional().describe('Name.'),
    address: z.email().max(254).toLowerCase().describe('E-mail address; must be in the recipient directory.'),
    /** Deprecated: taken from the recipient directory; refused when it contradicts the directory. */
    organisation: text(200).optional().describe(deprecated),
    /** Deprecated: taken from the recipient directory; refused when it contradicts the directory. */
    circle: z
      .enum(['internal', 'constituent', 'partner', 'community', 'public'])
      .optional()
      .describe(deprecated),
  })
  .describe('A person named in the send.');
export type NamedRecipientInput = z.output<typeof namedRecipientSchema>;

/**
 * `POST /api/v1/advisories/:id/send`: an approved revision (default: the latest approved) to lists and
 * people. Without `recipients`, the revision's approved `namedRecipients` are named.
 */
export const sendAdvisorySchema = z.strictObject({
  revision: revisionNumber
    .optional()
    .describe('The approved revision to send; default: the latest approved.'),
  /** Recipient list slugs or `bureau:<code>` for a bureau's contacts. */
  lists: z
    .array(
      z
        .string()
        .regex(/^(bureau:[A-Z][A-Z0-9]{1,15}|[a-z][a-z0-9-]{1,47})$/, 'must be a list')
        .describe('A recipient list slug (`hkcert`), or `bureau:<code>` for a bureau’s contacts.'),
    )
    .max(50)
    .default([])
    .describe('Lists to send to (never for TLP:RED).'),
  recipients: z
    .array(namedRecipientSchema)
    .max(200)
    .optional()
    .describe('People to send to; default: the revision’s approved `namedRecipients`.'),
});

export const advisoryIdParams = z.strictObject({ id: objectId.describe('Advisory id.') });
export const exportQuery = z.strictObject({
  revision: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('The revision to export; default: the latest approved, else the latest (as a draft).'),
});
export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50).describe('Most advisories to list.'),
});
