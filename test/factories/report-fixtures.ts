import { formatRef } from '../../src/incidents/index.js';
import type { IncidentRepository } from '../../src/incidents/incident.repository.js';
import { auditDraft, GENESIS_HASH, sealDrafts, type ChainHead } from '../../src/audit/index.js';
import { systemActor } from '../../src/auth/index.js';
import { mongoose, type Connection } from '../../src/platform/db/index.js';
import { CLOCK_RECORDS_COLLECTION } from '../../src/clocks/index.js';

/**
 * A set of incidents whose clocks and outcomes are known by construction, for checking report figures.
 * Each fixture states plain minutes (to acknowledge, to report to GIRO, to contain, to resolve); the
 * stored clocks are derived from them the way the workflow engine stores them, and the tests derive
 * their expectations from the same minutes, never from the report code.
 */
export interface IncidentFixture {
  bureauId: string;
  severity: 'S1' | 'S2' | 'S3';
  reportedAt: Date;
  title: string;
  /** Minutes from the report to the acknowledge clock being met. */
  ackMinutes: number;
  /** Minutes from awareness to the GIRO initial report being recorded; null = never recorded. */
  giroMinutes: number | null;
  /** Minutes from awareness to containment; null = not contained (contain clock still running). */
  containMinutes: number | null;
  /** Minutes from awareness to resolution; null = not resolved. */
  resolveMinutes: number | null;
  /** Minutes from awareness to the Police being told by the bureau; null = not told. */
  policeMinutes: number | null;
}

/** Awareness is always this long before the report. */
export const AWARE_BEFORE_MINUTES = 30;
/** Acknowledge limits per severity (the hk-gov pack), in minutes. */
export const ACK_LIMIT = { S1: 15, S2: 30, S3: 240 } as const;
/** Contain limits per severity, counted from the report, in minutes. */
export const CONTAIN_LIMIT = { S1: 240, S2: 1440, S3: 4320 } as const;
export const GIRO_LIMIT = 60;
/** March and April 2025 (HKT): the fixtures span two monthly periods. */
export const FIXTURE_BASE = new Date('2025-03-01T00:00:00.000Z');
export const FIXTURE_PERIOD = { from: '2025-02-28T16:00:00.000Z', to: '2025-05-31T16:00:00.000Z' };

const ACKS = [5, 12, 20, 40, 3, 300, 14, 29];
const GIROS = [30, 59, 61, 120, null];

/** `count` incidents over two bureaux and three severities, every outcome represented. */
export function complianceFixtures(
  count = 24,
  bureaux: readonly string[] = ['RPTA', 'RPTB'],
): IncidentFixture[] {
  return Array.from({ length: count }, (_, i) => ({
    bureauId: bureaux[i % bureaux.length],
    severity: (['S1', 'S2', 'S3'] as const)[i % 3],
    reportedAt: new Date(FIXTURE_BASE.getTime() + i * 60 * 3600_000),
    title: i === 0 ? '=HYPERLINK("http://evil.example") <script>alert(1)</script>' : `Fixture incident ${i}`,
    ackMinutes: ACKS[i % ACKS.length],
    giroMinutes: GIROS[i % GIROS.length],
    containMinutes: i % 4 === 0 ? null : 60 * (i + 1),
    resolveMinutes: i % 3 === 0 ? null : 180 * (i + 1),
    policeMinutes: i % 6 === 1 ? 90 : null,
  }));
}

const EMPTY: ChainHead = { seq: 0, hash: GENESIS_HASH };
const at = (base: Date, minutes: number): Date => new Date(base.getTime() + minutes * 60_000);

function clock(
  key: string,
  obligation: string,
  startsAt: Date,
  limit: number,
  metAt: Date | null,
  now: Date,
) {
  const dueAt = at(startsAt, limit);
  const onTime = metAt !== null && metAt <= dueAt;
  const overdue = metAt === null && now > dueAt;
  const breached = (metAt !== null && !onTime) || overdue;
  return {
    key,
    name: key,
    regime: 'HK-GOV',
    obligation,
    startsFrom: 'aware',
    startsAt,
    durationSeconds: limit * 60,
    warnBeforeSeconds: 0,
    dueAt,
    state: metAt && onTime ? 'met' : breached ? 'breached' : 'running',
    metAt,
    breachedAt: breached ? dueAt : null,
    escalations: breached
      ? [{ step: `${key}.breach`, at: at(dueAt, 1), tier: 'cert-lead', notified: ['duty@govcert.example'] }]
      : [],
    occurrence: 1,
  };
}

/** The stored document of one fixture (what intake and the workflow engine would have written). */
export function fixtureDocument(fixture: IncidentFixture, now: Date) {
  const aware = at(fixture.reportedAt, -AWARE_BEFORE_MINUTES);
  const giroAt = fixture.giroMinutes === null ? null : at(aware, fixture.giroMinutes);
  const containedAt = fixture.containMinutes === null ? null : at(aware, fixture.containMinutes);
  const resolvedAt = fixture.resolveMinutes === null ? null : at(aware, fixture.resolveMinutes);
  return {
    bureauId: fixture.bureauId,
    status: resolvedAt ? 'closed' : containedAt ? 'contained' : 'investigating',
    severity: fixture.severity,
    facts: {
      title: fixture.title,
      category: 'ransomware',
      times: {
        discoveredAt: aware,
        awareAt: aware,
        ...(containedAt ? { containedAt } : {}),
        ...(resolvedAt ? { resolvedAt } : {}),
      },
    },
    externalNotified:
      fixture.policeMinutes === null
        ? []
        : [{ party: 'police', at: at(aware, fixture.policeMinutes), reference: 'CSTCB-1' }],
    triage: { regimes: ['HK-GOV'] },
    clocks: [
      clock(
        'hk-gov.acknowledge',
        'incident.acknowledge',
        fixture.reportedAt,
        ACK_LIMIT[fixture.severity],
        at(fixture.reportedAt, fixture.ackMinutes),
        now,
      ),
      clock('hk-gov.initial-report', 'report.giro.initial', aware, GIRO_LIMIT, giroAt, now),
      clock(
        'hk-gov.contain',
        'incident.contain',
        fixture.reportedAt,
        CONTAIN_LIMIT[fixture.severity],
        containedAt,
        now,
      ),
    ],
    obligations: giroAt
      ? [{ obligation: 'report.giro.initial', at: giroAt, recordedBy: 'duty officer', reference: 'GIRO-REF' }]
      : [],
  };
}

/**
 * Inserts the fixtures through the intake repository (reference numbers included), and their clocks
 * as the clock records triage and the clock service store (`db`); returns their ids.
 */
export async function insertFixtures(
  repository: IncidentRepository,
  db: Connection,
  fixtures: readonly IncidentFixture[],
  now = new Date(),
): Promise<string[]> {
  const ids: string[] = [];
  for (const fixture of fixtures) {
    const id = new mongoose.Types.ObjectId().toHexString();
    const year = fixture.reportedAt.getUTCFullYear();
    const { clocks, ...document } = fixtureDocument(fixture, now);
    const incident = await repository.insertNew(id, { bureauId: fixture.bureauId, year }, (seq) => ({
      ref: formatRef('GIRO', year, seq, fixture.bureauId),
      year,
      seq,
      ...document,
      indicators: [],
      updateCount: 0,
      reportedBy: { userId: 'fixture', name: 'Fixture', role: 'reporter' },
      reportedAt: fixture.reportedAt,
      triagedAt: fixture.reportedAt,
      triageRound: 0,
      triagePending: false,
      notifications: [],
      campaign: null,
      revision: 0,
      createdAt: fixture.reportedAt,
      updatedAt: fixture.reportedAt,
      pendingAudit: [],
    }));
    await db.db!.collection(CLOCK_RECORDS_COLLECTION).insertOne({
      _id: new mongoose.Types.ObjectId(id),
      bureauId: fixture.bureauId,
      ref: incident?.ref ?? id,
      clocks,
      decisionId: null,
      events: [],
      timers: [],
      seq: 1,
      appliedObligations: document.obligations.length,
      nextDueAt: null,
      outbox: [],
    });
    ids.push(id);
  }
  return ids;
}

/**
 * Writes `count` valid chained audit events straight into the chain collection, 5,000 per round trip,
 * after `from` (the chain must be quiet meanwhile): the bulk generator of `bench/audit`, for tests and benches that need a long trail
 * quickly (the append path would take minutes). Test and bench setup only; the system never does this.
 */
export async function bulkAuditEvents(db: Connection, count: number, from: ChainHead = EMPTY): Promise<void> {
  const events = db.db!.collection('audit_events');
  const actor = systemActor('bulk-generator');
  let head = from;
  for (let n = 0; n < count; n += 5000) {
    const drafts = Array.from({ length: Math.min(5000, count - n) }, (_, k) =>
      auditDraft(
        actor,
        'incident.transitioned',
        { type: 'incident', id: `inc-${(n + k) % 500}` },
        {
          bureauId: 'B01',
          changes: [{ field: 'status', before: 'triaged', after: 'investigating' }],
          data: { n: n + k, note: '=cmd|calc' },
        },
      ),
    );
    const chunk = sealDrafts(head, drafts);
    head = { seq: chunk.at(-1)!.seq, hash: chunk.at(-1)!.hash };
    await events.insertMany(
      chunk.map((event) => ({ _id: String(event.seq).padStart(12, '0') as never, ...event })),
    );
  }
}
