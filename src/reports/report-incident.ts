/**
 * The incident as reports read it: the stored shape agreed with intake and the workflow engine,
 * reduced to what reports use. Mapping is defensive (a field not written yet reads as null), so a
 * report over incidents still in triage, or written before a field existed, never fails.
 */

export type ClockState = 'pending' | 'running' | 'met' | 'breached' | 'not_applicable';

/** One escalation step fired for a clock. */
export interface ClockEscalation {
  step: string;
  at: Date | null;
  tier: string;
  notified: string[];
}

/** A clock as stored on the incident by the workflow engine. */
export interface StoredClock {
  key: string;
  name: string;
  regime: string;
  obligation: string;
  startsAt: Date | null;
  dueAt: Date | null;
  state: ClockState;
  metAt: Date | null;
  breachedAt: Date | null;
  escalations: ClockEscalation[];
  occurrence: number;
}

/** An obligation recorded as done (a report sent to GIRO, a PCPD notification). */
export interface StoredObligation {
  obligation: string;
  at: Date | null;
  recordedBy: string | null;
  reference: string | null;
  note: string | null;
}

export interface ReportIncident {
  id: string;
  ref: string;
  bureauId: string;
  status: string;
  severity: string | null;
  category: string | null;
  title: string | null;
  regimes: string[];
  reportedAt: Date | null;
  times: {
    awareAt: Date | null;
    discoveredAt: Date | null;
    containedAt: Date | null;
    resolvedAt: Date | null;
  };
  clocks: StoredClock[];
  obligations: StoredObligation[];
  /** External parties the bureau says it told (police, pcpd...), with when. */
  externalNotified: Array<{ party: string; at: Date | null; reference: string | null }>;
}

type Doc = Record<string, unknown>;

const CLOCK_STATES: readonly ClockState[] = ['pending', 'running', 'met', 'breached', 'not_applicable'];

/** A Date from a stored Date or ISO string; null for anything else. */
export function asDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const obj = (value: unknown): Doc => (value && typeof value === 'object' ? (value as Doc) : {});
const list = (value: unknown): Doc[] => (Array.isArray(value) ? value.map(obj) : []);

function toClock(doc: Doc): StoredClock {
  const state = str(doc.state) as ClockState | null;
  return {
    key: str(doc.key) ?? '',
    name: str(doc.name) ?? str(doc.key) ?? '',
    regime: str(doc.regime) ?? '',
    obligation: str(doc.obligation) ?? '',
    startsAt: asDate(doc.startsAt),
    dueAt: asDate(doc.dueAt),
    state: state && CLOCK_STATES.includes(state) ? state : 'pending',
    metAt: asDate(doc.metAt),
    breachedAt: asDate(doc.breachedAt),
    escalations: list(doc.escalations).map((e) => ({
      step: str(e.step) ?? '',
      at: asDate(e.at),
      tier: str(e.tier) ?? '',
      notified: Array.isArray(e.notified) ? e.notified.map(String) : [],
    })),
    occurrence: typeof doc.occurrence === 'number' ? doc.occurrence : 1,
  };
}

/** Maps a stored incident document (native driver, any age) to the report shape. */
export function toReportIncident(doc: Doc): ReportIncident {
  const facts = obj(doc.facts);
  const times = obj(facts.times);
  const triage = obj(doc.triage);
  const regimes = Array.isArray(triage.regimes) ? triage.regimes.map(String) : [];
  return {
    id: String(doc._id),
    ref: str(doc.ref) ?? String(doc._id),
    bureauId: str(doc.bureauId) ?? '',
    status: str(doc.status) ?? 'reported',
    severity: str(doc.severity),
    category: str(facts.category),
    title: str(facts.title),
    regimes,
    reportedAt: asDate(doc.reportedAt),
    times: {
      awareAt: asDate(times.awareAt),
      discoveredAt: asDate(times.discoveredAt),
      containedAt: asDate(times.containedAt),
      resolvedAt: asDate(times.resolvedAt),
    },
    clocks: list(doc.clocks).map(toClock),
    obligations: list(doc.obligations).map((o) => ({
      obligation: str(o.obligation) ?? '',
      at: asDate(o.at),
      recordedBy: str(o.recordedBy) ?? str(obj(o.recordedBy).name),
      reference: str(o.reference),
      note: str(o.note),
    })),
    externalNotified: list(doc.externalNotified).map((n) => ({
      party: str(n.party) ?? '',
      at: asDate(n.at),
      reference: str(n.reference),
    })),
  };
}
