import type { AuditCheckpoint, AuditDraft, AuditEvent, ChainHead } from '../audit/index.js';
import type { ReportFilter, ReportRow } from './report.types.js';

/** What reports need from the audit module: its public service, nothing deeper. */
export interface TrailSource {
  record(draft: AuditDraft): Promise<unknown>;
  streamEvents(): AsyncGenerator<AuditEvent>;
  /** With `after` alone, the events after that seq by `_id` lookups (see `AuditService.list`). */
  list(filter: { after?: number; limit?: number }): Promise<{ events: AuditEvent[] }>;
  checkpointNow(): Promise<void>;
  checkpointList(): Promise<AuditCheckpoint[]>;
  head(): Promise<ChainHead>;
  publicKeyPem(): string;
}

/** A line of the `govcert-audit/1` export format (see `src/audit/audit-export.ts`). */
export type TrailLine =
  | { kind: 'header'; format: 'govcert-audit/1'; exportedAt: string; publicKey: string }
  | ({ kind: 'checkpoint' } & AuditCheckpoint)
  | ({ kind: 'event' } & AuditEvent);

/** The signed end of a trail export: the chain is cut at the last checkpoint, so the file ends signed. */
export interface TrailCut {
  seq: number;
  checkpoints: AuditCheckpoint[];
}

/** Signs the current head (as `govcert audit export` does) and fixes where this export ends. */
export async function cutTrail(audit: TrailSource): Promise<TrailCut> {
  await audit.checkpointNow();
  const checkpoints = await audit.checkpointList();
  return { seq: checkpoints.at(-1)?.seq ?? 0, checkpoints };
}

/**
 * The trail in the audit module's own export format, so `govcert audit verify --file` checks it
 * offline. The whole signed prefix is written whatever the filter: the chain verifies only from seq 1,
 * and the export's own audit event (in the chain) records which selection the auditor asked for.
 */
export async function* trailLines(
  audit: TrailSource,
  cut: TrailCut,
  events: AsyncIterable<AuditEvent>,
): AsyncGenerator<TrailLine> {
  yield {
    kind: 'header',
    format: 'govcert-audit/1',
    exportedAt: new Date().toISOString(),
    publicKey: audit.publicKeyPem(),
  };
  for (const checkpoint of cut.checkpoints) yield { kind: 'checkpoint', ...checkpoint };
  for await (const event of events) yield { kind: 'event', ...event };
}

/** Whether an event belongs to the selection of a trail report (period, bureau, incident). */
export function inTrailSelection(event: AuditEvent, filter: ReportFilter): boolean {
  if (filter.incidentId && event.subject.id !== filter.incidentId) return false;
  if (filter.bureauId && event.bureauId !== filter.bureauId) return false;
  if (filter.from && event.at < filter.from.toISOString()) return false;
  if (filter.to && event.at >= filter.to.toISOString()) return false;
  return true;
}

/** A trail event as a flat row; changes and data as JSON text. */
export function trailRow(event: AuditEvent): ReportRow {
  return {
    seq: event.seq,
    at: event.at,
    action: event.action,
    actorUserId: event.actor.userId,
    actorName: event.actor.name,
    actorRole: event.actor.role,
    subjectType: event.subject.type,
    subjectId: event.subject.id,
    subjectRef: event.subject.ref ?? null,
    bureauId: event.bureauId,
    changes: JSON.stringify(event.changes),
    data: JSON.stringify(event.data),
    requestId: event.requestId,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

/** The checkpoints that sign a selection: the last one before it and every one up to the first after it. */
export function coveringCheckpoints(
  all: readonly AuditCheckpoint[],
  first: number,
  last: number,
): AuditCheckpoint[] {
  if (last === 0) return [];
  const before = all.filter((c) => c.seq < first).at(-1);
  const closing = all.find((c) => c.seq >= last);
  return all.filter((c) => c === before || (c.seq >= first && c.seq <= (closing?.seq ?? Infinity)));
}
