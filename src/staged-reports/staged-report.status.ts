import { isBureauObligation, type ClockState } from '../clocks/index.js';
import type {
  OwedReport,
  StagedReport,
  StagedReportKind,
  StagedReportStatus,
} from './staged-report.types.js';

/** A clock as the incident stores it: a bare triage spec until the clock rules sync it. */
export interface ClockLike {
  key: string;
  name: string;
  nameZh?: string;
  regime: string;
  obligation: string;
  dueAt?: Date | null;
  state?: ClockState;
  metAt?: Date | null;
  occurrence?: number;
  /** Present on a repeating clock (interim reports): each occurrence is a report of its own. */
  repeat?: unknown;
  history?: ReadonlyArray<{
    occurrence: number;
    dueAt: Date | null;
    state: ClockState;
    metAt: Date | null;
  }>;
}

/** One occurrence of a clock: its due time and outcome. */
export interface Occurrence {
  occurrence: number;
  dueAt: Date | null;
  state: ClockState;
  metAt: Date | null;
}

/** Post-incident and final reports ask for the root cause and lessons learnt as well. */
export function kindOf(obligation: string): StagedReportKind {
  return /(^|[.-])(post-incident|final)($|[.-])/.test(obligation) ? 'final' : 'progress';
}

const stateOf = (clock: ClockLike): ClockState => clock.state ?? (clock.dueAt ? 'running' : 'pending');
const dateOrNull = (value: Date | string | null | undefined): Date | null =>
  value === null || value === undefined ? null : new Date(value);

/** Every occurrence of a clock known now: the finished ones it keeps, then the current one. */
export function occurrencesOf(clock: ClockLike): Occurrence[] {
  const past = (clock.history ?? []).map((h) => ({
    occurrence: h.occurrence,
    dueAt: dateOrNull(h.dueAt),
    state: h.state,
    metAt: dateOrNull(h.metAt),
  }));
  return [
    ...past,
    {
      occurrence: clock.occurrence ?? 0,
      dueAt: dateOrNull(clock.dueAt),
      state: stateOf(clock),
      metAt: dateOrNull(clock.metAt),
    },
  ];
}

/** Met on time, or met late (a breached clock that has its `metAt`). */
const isMet = (o: Occurrence): boolean => o.state === 'met' || (o.state === 'breached' && o.metAt !== null);
const isLate = (o: Occurrence): boolean => o.state === 'breached' && o.metAt !== null;
/** Waiting for the bureau: running, or breached and still not done. */
export const isOpenClock = (o: Occurrence): boolean =>
  o.state === 'running' || (o.state === 'breached' && o.metAt === null);

function clockStatus(o: Occurrence, now: Date): StagedReportStatus {
  if (o.state === 'pending') return 'not_started';
  if (o.state === 'breached') return 'overdue';
  return o.dueAt && now.getTime() > o.dueAt.getTime() ? 'overdue' : 'due';
}

/**
 * The reports a bureau owes or has sent on one incident, one row per occurrence of each of its own
 * clocks (`report.*`; the CERT's clocks are never listed): a row with versions takes its status from
 * the latest one; a row without takes it from the clock (due, overdue, not started, or `recorded`
 * when the clock was met without a written report, by phone or by the CERT). The CERT's clocks and
 * clocks no longer applicable (with nothing sent) are left out.
 */
export function owedReports(
  clocks: readonly ClockLike[],
  reports: readonly StagedReport[],
  now: Date,
): OwedReport[] {
  const seen = new Set<string>();
  const all: OwedReport[] = [];
  for (const clock of clocks) {
    if (!isBureauObligation(clock.obligation) || seen.has(clock.obligation)) continue;
    seen.add(clock.obligation);
    const sent = reports.filter((r) => r.obligation === clock.obligation);
    const occurrences = occurrencesOf(clock);
    const latest = occurrences.at(-1);
    const rows: OwedReport[] = [];
    for (const o of occurrences) {
      const versions = sent
        .filter((r) => r.occurrence === o.occurrence)
        .sort((a, b) => a.version - b.version);
      const base = {
        obligation: clock.obligation,
        name: clock.name,
        ...(clock.nameZh !== undefined ? { nameZh: clock.nameZh } : {}),
        regime: clock.regime,
        kind: kindOf(clock.obligation),
        occurrence: o.occurrence,
        repeats: clock.repeat !== undefined || occurrences.length > 1,
        dueAt: o.dueAt,
        versions,
      };
      const last = versions.at(-1);
      if (last) {
        rows.push({
          ...base,
          dueAt: o.dueAt ?? last.clock.dueAt,
          status: last.state,
          late: isMet(o) ? isLate(o) : last.clock.late,
          met: true,
          open: last.state === 'revision_requested',
        });
      } else if (isMet(o)) {
        // Met without a written report: the latest may still get one (the bureau's written version of
        // a phone report); earlier occurrences are history.
        rows.push({ ...base, status: 'recorded', late: isLate(o), met: true, open: o === latest });
      } else if (o.state !== 'not_applicable') {
        rows.push({ ...base, status: clockStatus(o, now), late: false, met: false, open: isOpenClock(o) });
      }
    }
    // Versions for occurrences the clock no longer lists (its history is bounded) still show.
    const listed = new Set(occurrences.map((o) => o.occurrence));
    const orphans = [...new Set(sent.map((r) => r.occurrence))].filter((n) => !listed.has(n));
    for (const n of orphans.sort((a, b) => a - b)) {
      const versions = sent.filter((r) => r.occurrence === n).sort((a, b) => a.version - b.version);
      const last = versions.at(-1);
      if (!last) continue;
      rows.push({
        obligation: clock.obligation,
        name: clock.name,
        ...(clock.nameZh !== undefined ? { nameZh: clock.nameZh } : {}),
        regime: clock.regime,
        kind: kindOf(clock.obligation),
        occurrence: n,
        repeats: true,
        dueAt: last.clock.dueAt,
        versions,
        status: last.state,
        late: last.clock.late,
        met: true,
        open: last.state === 'revision_requested',
      });
    }
    all.push(...rows.sort((a, b) => a.occurrence - b.occurrence));
  }
  // In the policy's order of the clocks (initial, preliminary, interim...), occurrences in order.
  return all;
}
