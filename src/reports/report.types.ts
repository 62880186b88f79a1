/** Report kinds, formats and sections: the vocabulary shared by routes, exports and the worker. */

/** What an auditor can ask for (issue 7): the register, clock compliance, notifications, the trail. */
export const REPORT_KINDS = ['register', 'compliance', 'notifications', 'trail'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_FORMATS = ['csv', 'ndjson', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * The row shapes of each kind. CSV and NDJSON carry one section (one row shape per file, so a
 * spreadsheet or `jq` reads it without guessing); the HTML report shows every section of its kind.
 */
export const REPORT_SECTIONS = {
  register: ['incidents'],
  compliance: ['clocks', 'durations', 'breaches'],
  notifications: ['reports', 'advisories'],
  trail: ['events'],
} as const satisfies Record<ReportKind, readonly string[]>;
export type ReportSection = (typeof REPORT_SECTIONS)[ReportKind][number];

/** How compliance figures are bucketed in time (by the incident's report time, Hong Kong time). */
export const REPORT_INTERVALS = ['month', 'quarter', 'year', 'all'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

/** Which incidents (or audit events) a report covers; every field optional and ANDed. */
export interface ReportFilter {
  /** Inclusive start of the period: incidents by `reportedAt`, audit events by `at`. */
  from?: Date;
  /** Exclusive end of the period. */
  to?: Date;
  bureauId?: string;
  severity?: string;
  /** Incidents carrying this regime; clock and notification rows of other regimes are left out. */
  regime?: string;
  status?: string;
  category?: string;
  /** One incident (trail: events whose subject is this incident). */
  incidentId?: string;
  interval: ReportInterval;
}

/** One report as requested: by the synchronous route or an export record. */
export interface ReportRequest {
  kind: ReportKind;
  format: ReportFormat;
  /** The section of a CSV/NDJSON file; ignored by HTML, which shows them all. */
  section: ReportSection;
  filter: ReportFilter;
}

/** A row of a CSV/NDJSON report: flat, JSON-safe values only. */
export type ReportRow = Record<string, string | number | boolean | null>;
