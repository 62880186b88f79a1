import type { AuditChange, AuditEvent } from '../audit/index.js';
import { isBureauObligation } from '../clocks/index.js';
import type { WorkflowIncident } from './workflow.types.js';

/** What a bureau may see of one event: the changes and data kept, or null to leave the event out. */
type Projection = { changes: AuditChange[]; data: Record<string, unknown> } | null;

/** What the cut needs to know of the incident: which of its clocks are the bureau's. */
export interface BureauLens {
  /** Keys of the clocks the bureau owes (its reports); the CERT's own clocks stay hidden. */
  clockKeys: ReadonlySet<string>;
  /** The name of each report the bureau owes, by obligation (a staged report's event names it). */
  reportNames: ReadonlyMap<string, string>;
}

export function bureauLens(incident: WorkflowIncident): BureauLens {
  const own = incident.clocks.filter((c) => isBureauObligation(c.obligation));
  return {
    clockKeys: new Set(own.map((c) => c.key)),
    reportNames: new Map(own.map((c) => [c.obligation, c.name])),
  };
}

const pick = (changes: readonly AuditChange[], fields: readonly string[]) =>
  changes.filter((change) => fields.includes(change.field));

/** Per-clock state changes (`clocks.<key>.state`) of the bureau's own clocks only. */
function clockStates(changes: readonly AuditChange[], lens: BureauLens): AuditChange[] {
  return changes.filter((change) => {
    const match = /^clocks\.(.+)\.state$/.exec(change.field);
    return match?.[1] !== undefined && lens.clockKeys.has(match[1]);
  });
}

/** A triage decision's clock list (`[{ key, dueAt }]`), cut down to the bureau's own clocks. */
function triageClocks(changes: readonly AuditChange[], lens: BureauLens): AuditChange[] {
  const own = (list: unknown) =>
    Array.isArray(list)
      ? list.filter((c: unknown) => lens.clockKeys.has(String((c as { key?: unknown }).key)))
      : list;
  return changes
    .filter((change) => change.field === 'clocks')
    .map((change) => ({ field: 'clocks', before: own(change.before), after: own(change.after) }))
    .filter((change) => JSON.stringify(change.before) !== JSON.stringify(change.after));
}

const keep = (changes: AuditChange[], data: Record<string, unknown> = {}): Projection =>
  changes.length > 0 || Object.keys(data).length > 0 ? { changes, data } : null;

/**
 * The events a bureau sees, each cut to what it may read; any action not listed is left out, so a
 * new kind of event stays CERT-only until someone decides otherwise. Out: notes, tasks, links,
 * claims and assignments, campaign links (other bureaux), triage reasons, queue names, the policy
 * version, escalation ladders and the CERT's own clocks, notification plans, the post-incident review.
 */
const PROJECTIONS: Readonly<Record<string, (event: AuditEvent, lens: BureauLens) => Projection>> = {
  'incident.reported': (e) => keep(pick(e.changes, ['status']), { category: e.data.category }),
  'incident.updated': (e) =>
    keep(
      e.changes.filter((c) => c.field.startsWith('facts.')),
      { updateId: e.data.updateId, material: e.data.material },
    ),
  'incident.triaged': (e, lens) =>
    keep([...pick(e.changes, ['status', 'severity']), ...triageClocks(e.changes, lens)]),
  'incident.retriaged': (e, lens) =>
    keep([...pick(e.changes, ['status', 'severity']), ...triageClocks(e.changes, lens)]),
  'incident.acknowledged': (e, lens) =>
    keep([...pick(e.changes, ['status']), ...clockStates(e.changes, lens)]),
  // A rejection's finding is owed to the bureau: a suspected incident that was not one is reported back.
  'incident.transitioned': (e, lens) =>
    keep(
      [...pick(e.changes, ['status']), ...clockStates(e.changes, lens)],
      typeof e.data.finding === 'string' ? { finding: e.data.finding } : {},
    ),
  // Not which incident it joined: that one may be another bureau's.
  'incident.merged_into': (e, lens) =>
    keep([...pick(e.changes, ['status']), ...clockStates(e.changes, lens)]),
  'obligation.recorded': (e, lens) => {
    const obligation = e.data.obligation;
    if (typeof obligation !== 'string' || !isBureauObligation(obligation)) return null;
    return {
      changes: clockStates(e.changes, lens),
      data: { obligation, at: e.data.at, reference: e.data.reference ?? null },
    };
  },
  'clocks.updated': (e, lens) => keep(clockStates(e.changes, lens)),
  // The bureau's written reports: each version sent, and the CERT's decision on it (with the comment,
  // which the bureau reads on the report anyway); who at the CERT decided stays inside.
  'staged_report.submitted': (e, lens) => stagedReport(e, lens),
  'staged_report.accepted': (e, lens) => stagedReport(e, lens),
  'staged_report.revision_requested': (e, lens) => stagedReport(e, lens),
  // A message on the thread: which side wrote, never the text (it stays in the thread).
  'incident.message_posted': (e) => keep([], { side: e.data.side === 'cert' ? 'cert' : 'bureau' }),
  // The bureau's own deadlines coming up or missed; never who the ladder told.
  'clock.warning': (e, lens) => clockEvent(e, lens),
  'clock.breached': (e, lens) => clockEvent(e, lens),
};

function stagedReport(event: AuditEvent, lens: BureauLens): Projection {
  const obligation = event.data.obligation;
  if (typeof obligation !== 'string' || !isBureauObligation(obligation)) return null;
  return {
    changes: [],
    data: {
      obligation,
      report: lens.reportNames.get(obligation) ?? obligation,
      occurrence: event.data.occurrence,
      version: event.data.version,
      ...(event.action === 'staged_report.revision_requested' ? { comment: event.data.comment ?? null } : {}),
    },
  };
}

function clockEvent(event: AuditEvent, lens: BureauLens): Projection {
  const key = event.data.clockKey;
  if (typeof key !== 'string' || !lens.clockKeys.has(key)) return null;
  return { changes: [], data: { clockKey: key, occurrence: event.data.occurrence, dueAt: event.data.dueAt } };
}

/** What the bureau may see of `event`, or null when it sees nothing of it. */
export function bureauProjection(event: AuditEvent, lens: BureauLens): Projection {
  const project = Object.hasOwn(PROJECTIONS, event.action) ? PROJECTIONS[event.action] : undefined;
  return project ? project(event, lens) : null;
}

/**
 * The bureau sees its own people by name; the CERT's staff and the system as null ("GovCERT"). A
 * reporter can only act on their own bureau's incidents, so the role says whose person it is.
 */
export function bureauActor<T extends { role: string }>(by: T): T | null {
  return by.role === 'reporter' ? by : null;
}
