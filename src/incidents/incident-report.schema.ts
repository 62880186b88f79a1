import { z } from 'zod';
import { DEFAULT_INCIDENT_PAP, DEFAULT_INCIDENT_TLP, PAP_LEVELS, TLP_LEVELS } from '../platform/index.js';
import { triageInputSchema } from '../triage/index.js';
import {
  INDICATOR_INPUT_TYPES,
  IndicatorError,
  dedupeIndicators,
  normaliseIndicator,
  type Indicator,
} from './indicator.normaliser.js';

/** Clock skew tolerated between a reporter's clock and ours before a time counts as "in the future". */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Most indicators one request may carry (a larger list belongs in a bulk feed, not an incident report). */
export const MAX_INDICATORS = 1000;

/** Bureau codes as the auth module issues them (`DH`, `WSD`). */
export const bureauCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,15}$/, 'must be a bureau code')
  .describe('Bureau code, e.g. `DH`, `WSD`.');
const text = (max: number) => z.string().trim().min(1).max(max);
// The triage input's own field schemas: what a report may say is exactly what the policy understands.
const triage = triageInputSchema.shape;
const count = z.number().int().min(0).max(100_000_000);
/** A time of the incident: ISO 8601 with an offset, not in the future, not implausibly old. */
const incidentTime = (what: string) =>
  pastInstant.describe(`${what} ISO 8601 with an offset (\`Z\` or \`+08:00\`); not in the future.`);

/** An ISO-8601 time with an explicit offset (naive local times are ambiguous), not in the future. */
export const pastInstant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 time with an offset (Z or +08:00)' })
  .transform((value) => new Date(value))
  .refine((date) => date.getTime() <= Date.now() + CLOCK_SKEW_MS, 'must not be in the future');

/** One indicator as sent; the output is normalised (canonical IP, punycode domain, lower-case hash). */
export const indicatorSchema = z
  .strictObject({
    type: z
      .enum(INDICATOR_INPUT_TYPES)
      .describe(
        'Kind of indicator; `ip` and `hash` are resolved to `ipv4`/`ipv6` and `md5`/`sha1`/`sha256`.',
      ),
    value: z
      .string()
      .min(1)
      .max(2048)
      .describe(
        'The value; normalised (canonical IP, punycode domain, lower-case hash) and matched against other ' +
          'incidents to find duplicates and campaigns across bureaux.',
      ),
  })
  .transform((raw, ctx): Indicator => {
    try {
      return normaliseIndicator(raw.type, raw.value);
    } catch (err) {
      if (!(err instanceof IndicatorError)) throw err;
      ctx.issues.push({ code: 'custom', message: err.message, input: raw.value, path: ['value'] });
      return z.NEVER;
    }
  });

export const indicatorListSchema = z
  .array(indicatorSchema.describe('An indicator of compromise.'))
  .max(MAX_INDICATORS, `at most ${MAX_INDICATORS} indicators per request`)
  .transform(dedupeIndicators)
  .describe(
    `Indicators of compromise (IP, domain, URL, hash, email), at most ${MAX_INDICATORS}; repeats are dropped.`,
  );

export const timesSchema = z
  .strictObject({
    occurredAt: incidentTime('When the incident happened, if known.').optional(),
    discoveredAt: incidentTime('When someone first noticed it.'),
    awareAt: incidentTime(
      'When the bureau became "aware": reasonably certain that confidentiality, integrity or ' +
        'availability was harmed (not merely suspected). The 60-minute initial report and 48-hour ' +
        'preliminary report to GIRO-SO, and Cap. 653 reports, count from it; without it they wait.',
    ).optional(),
    containedAt: incidentTime('When the harm stopped spreading.').optional(),
    resolvedAt: incidentTime(
      'When systems and data were back to normal; the post-incident report is due a week after.',
    ).optional(),
    classifiedMajorAt: incidentTime(
      'DORA: when the incident was classified as major; the initial notification is due 4 hours ' +
        'after it, and never later than 24 hours after awareness.',
    ).optional(),
    ransomPaidAt: incidentTime(
      'CIRCIA: when a ransom was paid; the ransom payment report is due 24 hours after it.',
    ).optional(),
  })
  .describe(
    'The times of the incident, each kept apart because each starts its own deadlines. They must be in ' +
      'order (occurred, discovered, aware) and recent: at most 30 days before the report by default ' +
      '(`REPORT_TIME_MAX_AGE_DAYS`), `occurredAt` at most 5 years (`REPORT_OCCURRED_MAX_AGE_DAYS`).',
  );
/** The policy's own field schemas, each with what it means to the API's users. */
const system = triage.system.shape;
export const systemSchema = z
  .strictObject({
    tier: system.tier.describe(
      'Criticality tier of the system, 1 to 3; 3 is the most critical. In the default policy a tier-3 ' +
        'system down is S1, a tier-2 or tier-3 system affected S2, a single tier-1 system affected S3.',
    ),
    criticalEService: system.criticalEService.describe(
      'Whether it runs a critical e-government service (one the public relies on): down is S1, and while ' +
        'it is degraded a daily recovery status is owed to GIRO-SO.',
    ),
    operatedBy: system.operatedBy.describe(
      'Who runs it: `in_house` or `outsourced` (the vendor is then called in at the 15-minute escalation step).',
    ),
  })
  .describe('The affected system.');
const level = (what: string) => `${what}: \`none\`, \`low\`, \`medium\` or \`high\`.`;
const impact = triage.impact.shape;
export const impactSchema = z
  .strictObject({
    confidentiality: impact.confidentiality.describe(
      level('Harm to confidentiality (data seen by those who should not)'),
    ),
    integrity: impact.integrity.describe(level('Harm to integrity (data or systems altered)')),
    availability: impact.availability.describe(level('Harm to availability (service degraded or down)')),
    governmentImage: impact.governmentImage.describe(
      level('Harm to the Government’s image; `medium` or `high` notifies the director of the bureau'),
    ),
  })
  .describe('Impact on confidentiality, integrity, availability and the Government’s image.');
export const peopleSchema = z
  .strictObject({
    staff: count.describe('Government staff affected.'),
    citizens: count.describe('Members of the public affected.'),
  })
  .describe('How many people are affected.');
const flags = triage.flags.shape;
export const flagsSchema = z
  .strictObject({
    suspectedCrime: flags.suspectedCrime.describe(
      'A crime is suspected: at least S2, and the Police (CSTCB) are to be told.',
    ),
    mediaInterest: flags.mediaInterest.describe(
      'The media know or ask about it: at least S2, and the director of the bureau is told.',
    ),
    capSerious: flags.capSerious.describe(
      'Cap. 653 "serious" incident: it disrupts, or is likely to disrupt, the core function of a critical ' +
        'infrastructure. For a bureau under the HK-CI regime it is S1 and the report to the Commissioner ' +
        'is due 12 hours after becoming aware (48 hours when not serious). Ignored for other bureaux.',
    ),
    falsePositive: flags.falsePositive.describe(
      'Not an incident after all: not reportable to GIRO, S4; the bureau is still acknowledged.',
    ),
    ransomPaid: flags.ransomPaid.describe('A ransom was paid (some regimes want a report of the payment).'),
  })
  .describe('Yes/no facts that move severity, deadlines and who is told; all false when left out.');
const NO_FLAGS = {
  suspectedCrime: false,
  mediaInterest: false,
  capSerious: false,
  falsePositive: false,
  ransomPaid: false,
};
export const regimeList = z
  .array(
    z
      .string()
      .regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'must be a regime code')
      .describe('A regime code, e.g. `GDPR`.'),
  )
  .max(10)
  .describe(
    'Regimes this incident falls under beyond the bureau’s own (e.g. `GDPR` when EU residents’ data is ' +
      'involved); each adds its deadlines and notifications. Installed: HK-GOV (always), HK-CI, NIS2, GDPR.',
  );
export const assetList = z
  .array(triage.assetsAffected.element.describe('An asset kind.'))
  .max(10)
  .describe('What was affected: `email`, `hardware`, `data`, `network`, `software`, `website`.');

export const contactSchema = z
  .strictObject({
    name: text(200).describe('Full name.'),
    email: z.email().max(254).describe('E-mail address.'),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()-]{6,30}$/, 'must be a phone number')
      .optional()
      .describe('Phone number, e.g. `+852 2123 4567`.'),
    post: text(200).optional().describe('Post or role, e.g. "Incident Response Manager".'),
  })
  .describe('A person to contact about the incident.');
export const externalNotifiedSchema = z
  .strictObject({
    party: z
      .enum(['police', 'pcpd', 'security-bureau', 'hkcert', 'ogcio', 'other'])
      .describe(
        'Who was told: the Police, the Privacy Commissioner (PCPD), the Security Bureau, HKCERT, OGCIO or another.',
      ),
    at: incidentTime('When they were told.'),
    reference: text(200).optional().describe('Their reference, e.g. the Police case number.'),
  })
  .describe('An outside party the bureau has told.');

/**
 * The incident's markings. Optional: most bureaux will not think of them, and the default (AMBER,
 * AMBER; see DEFAULT_INCIDENT_TLP for why) keeps the report within the CERT and the bureaux it
 * concerns until a responder marks it otherwise.
 */
export const tlpSchema = z
  .enum(TLP_LEVELS)
  .describe(
    'TLP 2.0 of what is known of the incident: `CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT` or `RED` ' +
      '(without the `TLP:` prefix).',
  );
export const papSchema = z
  .enum(PAP_LEVELS)
  .describe(
    'PAP (what recipients may do with it): `CLEAR`, `GREEN`, `AMBER` (passive cross-checks) or `RED`.',
  );

/** Every fact a report can hold; shared by the create body and (all optional) follow-up updates. */
export const reportFacts = {
  title: text(200).describe('One line saying what happened.'),
  description: text(20_000).describe('What happened, what is affected, what has been done so far.'),
  category: triage.category.describe(
    'GIRO incident category. Reportable to GIRO (default policy): `abuse_of_systems`, `compromise`, ' +
      '`denial_of_service`, `classified_data_leak`, `device_loss` (mobile device or removable media with ' +
      'classified data), `masquerading`, `malware_infection` (massive), `ransomware`, ' +
      '`website_defacement`, `other`. Recorded but not reportable: `natural_disaster`, ' +
      '`hardware_software_fault`, `line_power_failure`, `scheduled_downtime`, `operation_error`, ' +
      '`phishing_no_gov_impact` (phishing that does not affect government systems).',
  ),
  system: systemSchema,
  assetsAffected: assetList,
  impact: impactSchema,
  functionalImpact: triage.functionalImpact.describe(
    'Effect on the services the system provides (NIST): `none`; `low` (all critical services still ' +
      'provided, less efficiently); `medium` (a critical service lost for some users); `high` (some ' +
      'critical services lost for all users). High is S1, medium S2, low S3.',
  ),
  informationImpact: triage.informationImpact.describe(
    'What happened to information (NIST): `none`; `privacy` (personal data accessed or taken; S2); ' +
      '`proprietary` (unclassified proprietary information taken); `integrity` (sensitive information ' +
      'changed or deleted).',
  ),
  recoverability: triage.recoverability.describe(
    'What recovery takes (NIST): `regular` (existing resources, predictable), `supplemented` (more ' +
      'resources, predictable), `extended` (outside help, unpredictable), `not_recoverable`. The last two ' +
      'raise the severity one level.',
  ),
  classifiedData: triage.classifiedData.describe(
    'Highest classification of the data involved: `none`, `restricted` (S3) or `confidential` (leaked: S1). ' +
      'Personal data counts as RESTRICTED or above.',
  ),
  personalDataInvolved: z
    .boolean()
    .describe(
      'Personal data is involved: at least S2; the Privacy Commissioner may be told (and GDPR applies when named).',
    ),
  peopleAffected: peopleSchema,
  flags: flagsSchema,
  regimes: regimeList,
} as const;

/** A complete report as a bureau files it (the OpenAPI example; a test checks it is accepted). */
export const REPORT_EXAMPLE = {
  title: 'Ransomware on the licensing file server',
  description:
    'Files on the licensing file server were encrypted overnight and a ransom note left in each share. ' +
    'The server is isolated; backups from the previous evening are being checked.',
  category: 'ransomware',
  times: {
    occurredAt: '2026-03-02T01:10:00+08:00',
    discoveredAt: '2026-03-02T07:45:00+08:00',
    awareAt: '2026-03-02T08:05:00+08:00',
  },
  system: { tier: 2, criticalEService: false, operatedBy: 'outsourced' },
  assetsAffected: ['data', 'software'],
  impact: { confidentiality: 'low', integrity: 'high', availability: 'high', governmentImage: 'low' },
  functionalImpact: 'medium',
  informationImpact: 'integrity',
  recoverability: 'supplemented',
  classifiedData: 'restricted',
  personalDataInvolved: false,
  peopleAffected: { staff: 120, citizens: 0 },
  flags: {
    suspectedCrime: true,
    mediaInterest: false,
    capSerious: false,
    falsePositive: false,
    ransomPaid: false,
  },
  reporter: {
    name: 'Chan Tai Man',
    email: 'tm.chan@example.gov.hk',
    phone: '+852 2123 4567',
    post: 'Incident Response Manager',
  },
  indicators: [
    { type: 'ip', value: '203.0.113.45' },
    { type: 'hash', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  ],
  externalNotified: [{ party: 'police', at: '2026-03-02T08:40:00+08:00', reference: 'CSTCB-2026-0311' }],
};

/**
 * `POST /api/v1/incidents`: a new report. Field names match `TriageInput` where they overlap; the
 * bureau comes from the caller's key (CERT staff name it), never status, reference or severity.
 */
export const createIncidentSchema = z
  .strictObject({
    ...reportFacts,
    bureauId: bureauCode
      .optional()
      .describe(
        'The bureau reporting. Reporters leave it out (their key’s bureau); CERT staff must name it.',
      ),
    times: timesSchema,
    assetsAffected: assetList.default([]),
    peopleAffected: peopleSchema.default({ staff: 0, citizens: 0 }),
    flags: flagsSchema.default(NO_FLAGS),
    regimes: regimeList.default([]),
    reporter: contactSchema.describe('Who files the report.'),
    contacts: z
      .array(contactSchema)
      .max(10)
      .default([])
      .describe('Others to contact (e.g. the bureau’s two round-the-clock contacts).'),
    indicators: indicatorListSchema.default([]),
    externalNotified: z
      .array(externalNotifiedSchema)
      .max(50)
      .default([])
      .describe('Outside parties already told (Police with the case reference, PCPD…).'),
    tlp: tlpSchema
      .default(DEFAULT_INCIDENT_TLP)
      .describe(
        `${tlpSchema.description ?? ''} Default \`${DEFAULT_INCIDENT_TLP}\`; responders may change it.`,
      ),
    pap: papSchema
      .default(DEFAULT_INCIDENT_PAP)
      .describe(
        `${papSchema.description ?? ''} Default \`${DEFAULT_INCIDENT_PAP}\`; responders may change it.`,
      ),
  })
  .meta({ examples: [REPORT_EXAMPLE] });
export type CreateIncidentInput = z.output<typeof createIncidentSchema>;
