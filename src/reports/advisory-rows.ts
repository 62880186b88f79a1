import { asDate } from './report-incident.js';
import type { ReportRow } from './report.types.js';

type Doc = Record<string, unknown>;

const str = (...values: unknown[]): string | null => {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return null;
};
const iso = (value: unknown): string | null => asDate(value)?.toISOString() ?? null;

/**
 * Advisories sent with their delivery outcomes: one row per delivery, or one row saying there was
 * none. Field names are read defensively (the notification module's delivery log is young), so a
 * renamed field shows as an empty cell instead of failing the auditor's export.
 */
export function advisoryRows(advisory: Doc, deliveries: readonly Doc[]): ReportRow[] {
  const base = {
    advisory: str(advisory.trackingId, advisory.ref, advisory.id) ?? String(advisory._id),
    title: str(advisory.title),
    tlp: str(advisory.tlp),
    status: str(advisory.status),
    sentAt: iso(advisory.sentAt ?? advisory.publishedAt),
  };
  if (deliveries.length === 0) {
    return [{ ...base, recipient: null, delivery: 'none', attempts: 0, deliveredAt: null, error: null }];
  }
  return deliveries.map((d) => ({
    ...base,
    recipient: str(d.recipient, d.to, d.address, d.bureauId),
    delivery: str(d.status, d.outcome) ?? 'unknown',
    attempts: typeof d.attempts === 'number' ? d.attempts : null,
    deliveredAt: iso(d.deliveredAt ?? d.sentAt),
    error: str(d.lastError, d.error),
  }));
}
