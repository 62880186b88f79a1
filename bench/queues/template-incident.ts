import { factsOfNewIncident, planClocks, timerJobId } from '../../src/clocks/index.js';
import { mongoose } from '../../src/platform/db/index.js';
import { reportBody } from '../../test/factories/incident.factory.js';

/**
 * A triaged incident document as intake, triage and the workflow leave it (report facts, triage
 * reasons and ladder), about the size of a real one, due at `dueAt`, and its clock record (six HK-GOV
 * clocks).
 */
export function templateIncident(
  n: number,
  dueAt: Date,
  queue: string,
  severity: string,
): { incident: Record<string, unknown>; clocks: Record<string, unknown> } {
  const reportedAt = new Date(dueAt.getTime() - 3_600_000);
  const { indicators, ...facts } = reportBody();
  const clock = (key: string, seconds: number) => ({
    key: `hk-gov.${key}`,
    name: key,
    regime: 'HK-GOV',
    obligation: `report.giro.${key}`,
    startsFrom: 'aware' as const,
    durationSeconds: seconds,
    warnBeforeSeconds: 600,
    startsAt: reportedAt,
    dueAt: new Date(reportedAt.getTime() + seconds * 1000),
    warnAt: new Date(reportedAt.getTime() + seconds * 1000 - 600_000),
    state: 'running' as const,
    metAt: null,
    breachedAt: null,
    escalations: [],
    occurrence: 0,
  });
  const clocks = [
    clock('initial', 3600),
    clock('preliminary', 172_800),
    clock('interim', 1_209_600),
    clock('acknowledge', 1800),
  ];
  const _id = new mongoose.Types.ObjectId();
  // The timers the clocks need, as the workflow would have stored them: a timer firing for such an
  // incident finds its clocks in order (one read), like a warning for an obligation already met.
  const plan = planClocks(
    {
      clocks,
      decided: null,
      clockEvents: [],
      clockTimers: [],
      facts: factsOfNewIncident(),
      ladder: [],
      severity,
      open: true,
    },
    new Date(),
  );
  const ref = `BENCH-${String(n).padStart(6, '0')}`;
  const incident = {
    _id,
    ref,
    year: 2026,
    seq: n + 1,
    bureauId: 'BENCH',
    status: ['triaged', 'acknowledged', 'investigating'][n % 3],
    severity,
    facts,
    indicators,
    externalNotified: [],
    updateCount: 0,
    reportedBy: { userId: 'bench', name: 'Bench reporter', role: 'reporter' },
    reportedAt,
    triage: {
      policyVersion: 'sha256:bench',
      queue,
      severity,
      // The reasons live in the decision's record (none here: the queue pages do not show them).
      decisionId: 'bench-decision',
      escalation: [
        {
          key: 'hk-gov.sm02.breach',
          ladder: 'sm02',
          level: 0,
          trigger: 'clock_breach',
          afterSeconds: 0,
          notify: ['cert-lead'],
        },
      ],
    },
    triagedAt: reportedAt,
    triageRound: 0,
    triagePending: false,
    clocksDecisionId: 'bench-decision',
    clockSeq: 1,
    nextDueAt: dueAt,
    urgencyAt: dueAt,
    notifications: [],
    campaign: null,
    revision: 1,
    createdAt: reportedAt,
    updatedAt: reportedAt,
    pendingAudit: [],
  };
  // Its clock record (`incident_clocks`), as triage stores it with the first decision.
  const record = {
    _id,
    bureauId: 'BENCH',
    ref,
    clocks,
    decisionId: 'bench-decision',
    events: [],
    timers: plan.timers.map((timer) => timerJobId(String(_id), timer)),
    seq: 1,
    appliedObligations: 0,
    nextDueAt: dueAt,
    outbox: [],
    pendingAudit: [],
    pendingJobs: [],
  };
  return { incident, clocks: record };
}
