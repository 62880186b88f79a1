import { z } from 'zod';
import { INDICATOR_TYPES, PAP_LEVELS, TLP_LEVELS } from '../platform/index.js';
import { isLinkable } from './template-helpers.js';

/*
 * The data each mail template needs, one zod schema per template. The renderer validates against
 * these before rendering, so a template never meets a missing or malformed field at send time.
 * Optional facts are `nullable().default(null)` rather than optional: Handlebars runs in strict mode,
 * and a key that is present but null renders (or is skipped by `{{#if}}`) instead of throwing.
 */

const isoDateTime = z.iso.datetime({ offset: true });
/** The console's address: https, or http to a loopback host (the embedded demo; see `isLinkable`). */
const consoleLink = z.url({ protocol: /^https?$/ }).refine((url) => isLinkable(new URL(url)), {
  message: 'must be https (or http to localhost, 127.0.0.1 or [::1])',
});

/** TLP 2.0 level without the `TLP:` prefix. */
export const tlpSchema = z.enum(TLP_LEVELS);
/** PAP level without the `PAP:` prefix. */
export const papSchema = z.enum(PAP_LEVELS);

/** The incident as every incident mail shows it. */
export const incidentSummarySchema = z.object({
  /** Reference, e.g. `GIRO-2026-000123`. */
  ref: z.string().min(1),
  title: z.string().min(1),
  summary: z.string(),
  bureauName: z.string().min(1),
  severity: z.enum(['S1', 'S2', 'S3', 'S4']).nullable().default(null),
  status: z.string().min(1),
  category: z.string().min(1),
});

/** One clock (obligation with a deadline) on an incident. */
export const clockSchema = z.object({
  /** e.g. `Preliminary written report`. */
  name: z.string().min(1),
  /** Regime pack, e.g. `HK-GOV`, `HK-CI`. */
  regime: z.string().min(1),
  dueAt: isoDateTime,
  warnAt: isoDateTime.nullable().default(null),
});

/** Fields every mail carries: who it greets, where the console is, how it is marked. */
const base = {
  recipientName: z.string().min(1),
  /** HTTPS base URL of the console page for this mail's subject. */
  consoleUrl: consoleLink,
  /** TLP of the message; null for a mail with no marking. Shown in the subject and before the body. */
  tlp: tlpSchema.nullable().default(null),
};

/** `acknowledgement`: to the reporting bureau, confirming the report was received and stored. */
export const acknowledgementData = z.object({
  ...base,
  incident: incidentSummarySchema,
  receivedAt: isoDateTime,
});

/** `triage-result`: the policy decision with its reasons. */
export const triageResultData = z.object({
  ...base,
  incident: incidentSummarySchema,
  decision: z.object({
    severity: z.enum(['S1', 'S2', 'S3', 'S4']),
    queue: z.string().min(1),
    reportable: z.boolean(),
    reasons: z.array(z.string().min(1)).min(1),
  }),
  policyVersion: z.string().min(1),
});

/** `escalation-alert`: to duty staff, next tier of a ladder. */
export const escalationAlertData = z.object({
  ...base,
  incident: incidentSummarySchema,
  tier: z.number().int().min(1),
  reason: z.string().min(1),
  clock: clockSchema.nullable().default(null),
});

/** `clock-warning`: an obligation is approaching its deadline. */
export const clockWarningData = z.object({ ...base, incident: incidentSummarySchema, clock: clockSchema });

/** `breach-notice`: an obligation passed its deadline unmet. */
export const breachNoticeData = z.object({
  ...base,
  incident: incidentSummarySchema,
  clock: clockSchema,
  breachedAt: isoDateTime,
});

/**
 * The incident as a party outside the CERT may see it: reference, bureau, category and times. No
 * title, description, severity, status, queue, policy version or reasons: the schema is the whitelist,
 * and what the composer loads beyond it is stripped before rendering.
 */
export const partyIncidentSchema = z.object({
  ref: z.string().min(1),
  bureauName: z.string().min(1),
  category: z.string().min(1),
  times: z.object({
    occurredAt: isoDateTime.nullable().default(null),
    discoveredAt: isoDateTime.nullable().default(null),
    awareAt: isoDateTime.nullable().default(null),
    /** When the bureau filed the report with GIRO-SO. */
    reportedAt: isoDateTime,
  }),
});

/** The one deadline a party's mail concerns (the clock its route names), never the CERT's own clocks. */
export const partyDeadlineSchema = z.object({
  name: z.string().min(1),
  regime: z.string().min(1),
  dueAt: isoDateTime,
});

/**
 * A mail to a party outside the CERT (GIRO-SO, the Police, the PCPD, a regulator): always TLP-marked
 * with the label its policy route gives, and with no console link (they have no console account).
 */
const partyNoticeData = z.object({
  recipientName: base.recipientName,
  tlp: tlpSchema,
  incident: partyIncidentSchema,
  deadline: partyDeadlineSchema.nullable().default(null),
});

/** `director-report`: to the Director of Bureau; the bureau's own report, so its title and summary too. */
export const directorReportData = partyNoticeData.extend({
  incident: partyIncidentSchema.extend({ title: z.string().min(1), summary: z.string() }),
});

/** One indicator as an advisory mail lists it. */
const mailIndicatorSchema = z.object({
  type: z.enum(INDICATOR_TYPES),
  value: z.string().min(1),
  description: z.string().nullable().default(null),
});

/** `advisory`: an approved advisory to bureaux and partners. Its TLP comes from the advisory itself. */
export const advisoryData = z.object({
  recipientName: base.recipientName,
  consoleUrl: base.consoleUrl,
  advisory: z.object({
    ref: z.string().min(1),
    title: z.string().min(1),
    tlp: tlpSchema,
    pap: papSchema,
    summary: z.string().min(1),
    recommendations: z.array(z.string().min(1)),
    /** Any URL is accepted; only https ones render as links (`safeLink`). */
    references: z.array(z.object({ title: z.string().min(1), url: z.string().min(1) })),
    affectedSystems: z.array(z.string().min(1)),
    /** Empty for advisories stored before mails listed them. */
    indicators: z.array(mailIndicatorSchema).default([]),
    revision: z.object({ number: z.string().min(1), date: isoDateTime, summary: z.string().min(1) }),
  }),
});

/** `status-update`: the incident moved on; to the bureau and watchers. */
export const statusUpdateData = z.object({
  ...base,
  incident: incidentSummarySchema,
  previousStatus: z.string().min(1),
  update: z.object({ summary: z.string().min(1), at: isoDateTime, by: z.string().min(1) }),
});

/** `daily-digest`: to duty officers, open work and clocks of the day. */
export const dailyDigestData = z.object({
  ...base,
  /** The HKT calendar day covered, `YYYY-MM-DD`. */
  day: z.iso.date(),
  counts: z.object({
    open: z.number().int().min(0),
    breached: z.number().int().min(0),
    dueToday: z.number().int().min(0),
  }),
  items: z.array(z.object({ incident: incidentSummarySchema, clock: clockSchema.nullable().default(null) })),
});

/**
 * `incident-message`: the other side wrote on the incident's message thread. Who wrote (a bureau
 * person, or the CERT as one party) and when, with the incident as every incident mail shows it: the
 * message itself stays in the console, behind the link.
 */
export const incidentMessageData = z.object({
  ...base,
  incident: incidentSummarySchema,
  message: z.object({ side: z.enum(['bureau', 'cert']), from: z.string().min(1), at: isoDateTime }),
});

/**
 * `staged-report`: a staged report was sent (to the CERT) or decided on (to the bureau). Which report,
 * which version, what happened and when: the report and the CERT's comment stay in the console.
 */
export const stagedReportData = z.object({
  ...base,
  incident: incidentSummarySchema,
  report: z.object({
    event: z.enum(['submitted', 'accepted', 'revision_requested']),
    name: z.string().min(1),
    /** The name for the mail's Chinese half: the policy's Chinese name, else the English one. */
    nameZh: z.string().min(1),
    version: z.number().int().min(1),
    from: z.string().min(1),
    at: isoDateTime,
  }),
});

/** Every template name with its data schema. A template folder without an entry here is refused. */
export const TEMPLATE_SCHEMAS = {
  acknowledgement: acknowledgementData,
  'triage-result': triageResultData,
  'escalation-alert': escalationAlertData,
  'clock-warning': clockWarningData,
  'breach-notice': breachNoticeData,
  advisory: advisoryData,
  'status-update': statusUpdateData,
  'daily-digest': dailyDigestData,
  'incident-message': incidentMessageData,
  'staged-report': stagedReportData,
  // Parties outside the CERT, one template each, named as the policy packs route them.
  'giro-initial-report': partyNoticeData,
  'police-report': partyNoticeData,
  'pcpd-data-breach': partyNoticeData,
  'cap653-incident-report': partyNoticeData,
  'nis2-early-warning': partyNoticeData,
  'gdpr-breach-notification': partyNoticeData,
  'director-report': directorReportData,
} as const;

/** A known template name. */
export type TemplateName = keyof typeof TEMPLATE_SCHEMAS;

/** What callers pass to `render(name, data)` (defaults may be left out). */
export type TemplateInput<N extends TemplateName> = z.input<(typeof TEMPLATE_SCHEMAS)[N]>;

/**
 * Whether a template shows the triage decision (`decision`, with its reasons): only those mails need
 * the decision's record read. Read from the schema, so a template that starts showing it is counted.
 */
export const templateShowsDecision = (name: string): boolean =>
  name in TEMPLATE_SCHEMAS && 'decision' in TEMPLATE_SCHEMAS[name as TemplateName].shape;
