// The invariants a chaos run must leave intact, each as a count (or a yes/no) with its evidence.
import type { DrainReport } from './drain.js';
import type { FaultRecord } from './faults.js';
import type { Offer } from './load.js';
import type { AuditRow, IncidentRow, Observer } from './observe.js';
import type { Termination, UnexpectedExit } from './processes.js';
import type { SmtpSink } from './smtp-sink.js';
import type { ChainReport } from './verify-chain.js';

/** One row of the summary: `ok` null for a figure that is reported, not judged. */
export interface Check {
  name: string;
  value: string;
  ok: boolean | null;
  detail?: string[];
}

/** Triage-decision actions (src/triage/triage.service.ts); each is chained once per incident and round. */
export const TRIAGE_ACTIONS = ['incident.triaged', 'incident.retriaged', 'incident.triage_confirmed'];
export const REPORT_ACTION = 'incident.reported';

export interface CheckInputs {
  offers: readonly Offer[];
  observer: Observer;
  smtp: SmtpSink;
  drain: DrainReport;
  apiChain: ChainReport;
  offlineChain: ChainReport & { exported: number | null };
  faults: readonly FaultRecord[];
  unexpectedExits: readonly UnexpectedExit[];
  /** When offering started (faults and events are placed relative to it). */
  t0: number;
}

const count = (ok: boolean | null, name: string, value: number, detail?: string[]): Check => ({
  name,
  value: String(value),
  ok,
  ...(detail && detail.length > 0 ? { detail } : {}),
});
const zero = (name: string, value: number, detail?: string[]): Check =>
  count(value === 0, name, value, detail);
const sample = <T>(items: readonly T[], show: (item: T) => string, n = 5): string[] =>
  items
    .slice(0, n)
    .map(show)
    .concat(items.length > n ? [`... and ${items.length - n} more`] : []);

/** How many answers the clients got whose status matches. */
function answered(offers: readonly Offer[], match: (status: string) => boolean): number {
  return offers.reduce(
    (sum, offer) =>
      sum + Object.entries(offer.answers).reduce((n, [status, k]) => n + (match(status) ? k : 0), 0),
    0,
  );
}

function tally<K>(keys: Iterable<K>): Map<K, number> {
  const map = new Map<K, number>();
  for (const key of keys) map.set(key, (map.get(key) ?? 0) + 1);
  return map;
}

/** Where a broken seq sits in the run: its event, its neighbour, and the faults just before it. */
function placeBreak(report: ChainReport, events: readonly AuditRow[], inputs: CheckInputs): string[] {
  if (!report.firstBad) return report.error ? [report.error] : [];
  const { seq, reason } = report.firstBad;
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const t = (at: string): string => `t=${((Date.parse(at) - inputs.t0) / 1000).toFixed(1)}s`;
  const show = (e: AuditRow | undefined): string =>
    e ? `seq ${e.seq} ${e.action} ${e.subjectId ?? '-'} at ${t(e.at)}` : 'missing';
  const bad = bySeq.get(seq);
  const lines = [`first bad seq ${seq}: ${reason}`, `  ${show(bySeq.get(seq - 1))}`, `  ${show(bad)}`];
  if (bad) {
    const at = (Date.parse(bad.at) - inputs.t0) / 1000;
    const before = inputs.faults.filter((f) => f.started <= at).slice(-2);
    lines.push(
      before.length > 0
        ? `  faults before it: ${before.map((f) => `${f.label} at t=${f.started}s`).join(', ')}`
        : '  no fault before it',
    );
  }
  return lines;
}

async function incidentChecks(inputs: CheckInputs, events: readonly AuditRow[]): Promise<Check[]> {
  const incidents = await inputs.observer.incidents();
  const byId = new Map(incidents.map((i) => [i.id, i]));
  const acked = inputs.offers.filter((o) => o.incidentId !== null);
  const missing = acked.filter((o) => !byId.has(o.incidentId ?? ''));
  const untriaged = acked.filter((o) => {
    const incident = byId.get(o.incidentId ?? '');
    return incident !== undefined && (!incident.triaged || incident.triagePending);
  });
  const titles = tally(incidents.map((i) => i.title));
  const duplicated = [...titles].filter(([title, n]) => n > 1 && title.startsWith('Chaos report'));
  const ackedIds = new Set(acked.map((o) => o.incidentId));
  const unacked = incidents.filter((i) => !ackedIds.has(i.id) && i.title.startsWith('Chaos report'));

  const reported = tally(events.filter((e) => e.action === REPORT_ACTION).map((e) => e.subjectId));
  const triaged = tally(events.filter((e) => e.action === 'incident.triaged').map((e) => e.subjectId));
  const notOnce = incidents.filter((i) => reported.get(i.id) !== 1);
  const orphans = [...reported.keys()].filter((id) => id === null || !byId.has(id));
  const triagedNotOnce = incidents.filter((i) => i.triaged && triaged.get(i.id) !== 1);
  const decisions = tally(
    events
      .filter((e) => TRIAGE_ACTIONS.includes(e.action))
      .map((e) => `${e.action} ${e.subjectId ?? '-'} round ${String(e.round)}`),
  );
  const doubled = [...decisions].filter(([, n]) => n > 1);
  const eventIds = [...tally(events.map((e) => e.eventId))].filter(([, n]) => n > 1);
  return [
    ...followUpChecks(inputs, byId, events),
    zero(
      'acknowledged reports missing from the database',
      missing.length,
      sample(missing, (o) => o.key),
    ),
    zero(
      'acknowledged reports not triaged',
      untriaged.length,
      sample(untriaged, (o) => o.incidentId ?? ''),
    ),
    zero(
      'Idempotency-Keys with more than one incident',
      duplicated.length,
      sample(duplicated, ([title, n]) => `${title}: ${n}`),
    ),
    count(null, 'incidents stored without an acknowledgement', unacked.length),
    zero(`incidents without exactly one ${REPORT_ACTION} event`, notOnce.length + orphans.length, [
      ...sample(notOnce, (i) => `${i.id}: ${reported.get(i.id) ?? 0} events`),
      ...sample(orphans, (id) => `event for unknown incident ${String(id)}`),
    ]),
    zero(
      'triaged incidents without exactly one incident.triaged event',
      triagedNotOnce.length,
      sample(triagedNotOnce, (i) => `${i.id}: ${triaged.get(i.id) ?? 0} events`),
    ),
    zero(
      'triage decisions chained more than once (action, incident, round)',
      doubled.length,
      sample(doubled, ([key, n]) => `${key}: ${n}`),
    ),
    zero(
      'eventIds chained more than once',
      eventIds.length,
      sample(eventIds, ([id, n]) => `${id}: ${n}`),
    ),
  ];
}

/**
 * The bureau's follow-ups (records of their own, applied to the incident by the request or by the
 * `updates` job): each acknowledged one stored, every record applied once, each with one event.
 */
function followUpChecks(
  inputs: CheckInputs,
  byId: ReadonlyMap<string, IncidentRow>,
  events: readonly AuditRow[],
): Check[] {
  const sent = inputs.offers.filter((o) => o.incidentId !== null && o.followUp !== null);
  const acked = sent.filter((o) => (o.followUp?.acknowledged ?? 0) > 0);
  const retried = sent.filter((o) => (o.followUp?.attempts ?? 0) > 1).length;
  const unanswered = sent.reduce((n, o) => n + (o.followUp?.unanswered ?? 0), 0);
  const lost = sent.filter((o) => {
    const stored = byId.get(o.incidentId ?? '')?.followUpRecords ?? 0;
    return stored < (o.followUp?.acknowledged ?? 0);
  });
  const extra = sent.filter((o) => {
    const stored = byId.get(o.incidentId ?? '')?.followUpRecords ?? 0;
    return stored > (o.followUp?.acknowledged ?? 0) + (o.followUp?.unanswered ?? 0);
  });
  const refused = sent.filter((o) => o.followUp?.rejected || o.followUp?.gaveUp);
  const incidents = [...byId.values()];
  const unapplied = incidents.filter((i) => i.updateCount !== i.followUpRecords);
  const updated = tally(events.filter((e) => e.action === 'incident.updated').map((e) => e.subjectId));
  const eventsOff = incidents.filter((i) => (updated.get(i.id) ?? 0) !== i.followUpRecords);
  return [
    count(null, 'follow-ups sent (of which retried; unanswered attempts)', sent.length, [
      `${String(acked.length)} acknowledged, ${String(retried)} retried, ${String(unanswered)} attempts unanswered`,
    ]),
    zero(
      'follow-ups refused or never acknowledged',
      refused.length,
      sample(refused, (o) => JSON.stringify(o.followUp)),
    ),
    zero(
      'acknowledged follow-ups missing from the store',
      lost.length,
      sample(lost, (o) => o.incidentId ?? ''),
    ),
    zero(
      'follow-ups stored more often than sent',
      extra.length,
      sample(extra, (o) => o.incidentId ?? ''),
    ),
    zero(
      'incidents whose follow-up records are not all applied, once',
      unapplied.length,
      sample(
        unapplied,
        (i) => `${i.id}: ${String(i.followUpRecords)} records, updateCount ${String(i.updateCount)}`,
      ),
    ),
    zero(
      'incidents without one incident.updated event per follow-up record',
      eventsOff.length,
      sample(
        eventsOff,
        (i) => `${i.id}: ${String(updated.get(i.id) ?? 0)} events, ${String(i.followUpRecords)} records`,
      ),
    ),
  ];
}

async function mailChecks(inputs: CheckInputs): Promise<Check[]> {
  const { smtp, observer } = inputs;
  const duplicates = smtp.duplicates();
  const sent = await observer.sentMessageIds();
  const unseen = sent.filter((id) => !smtp.byMessageId.has(id));
  const ledger = new Set(sent);
  const stray = [...smtp.byMessageId.keys()].filter((id) => !ledger.has(id));
  return [
    {
      name: 'mails received (distinct Message-IDs)',
      value: `${smtp.accepted} (${smtp.byMessageId.size})`,
      ok: smtp.withoutMessageId === 0 ? null : false,
      ...(smtp.withoutMessageId > 0 ? { detail: [`${smtp.withoutMessageId} without a Message-ID`] } : {}),
    },
    zero(
      'Message-IDs received more than once',
      duplicates.length,
      sample(duplicates, ([id, n]) => `${id}: ${n} times`),
    ),
    zero(
      'ledger rows sent but no mail received',
      unseen.length,
      sample(unseen, (id) => id),
    ),
    count(null, 'mails received with no sent ledger row', stray.length),
  ];
}

async function storeChecks(inputs: CheckInputs): Promise<Check[]> {
  const outbox = await inputs.observer.outboxDrafts(inputs.drain.quiet ? inputs.drain.quietAt : undefined);
  const queues = await inputs.observer.queueStates();
  const failed = Object.entries(queues).filter(([, s]) => s.failed > 0);
  const failedDetail: string[] = [];
  for (const [name, state] of failed) {
    failedDetail.push(`${name}: ${state.failed}`);
    for (const job of await inputs.observer.failedJobs(name as keyof typeof queues)) {
      failedDetail.push(`  ${job.id} after ${job.attempts} attempts: ${job.reason.slice(0, 160)}`);
    }
  }
  return [
    zero(
      'outbox drafts left (pendingAudit)',
      outbox.drafts,
      Object.entries(outbox.byCollection).map(([c, n]) => `${c}: ${n}`),
    ),
    zero(
      'recorded jobs left in outboxes (pendingJobs)',
      outbox.jobs,
      Object.entries(outbox.jobsByCollection).map(([c, n]) => `${c}: ${n}`),
    ),
    {
      name: 'written after the quiet point, in flight (drafts / jobs)',
      value: `${String(outbox.newer.drafts)} / ${String(outbox.newer.jobs)}`,
      ok: null,
    },
    zero(
      'failed jobs in BullMQ queues',
      failed.reduce((sum, [, s]) => sum + s.failed, 0),
      failedDetail,
    ),
  ];
}

/** The checks made while the system still runs (after the drain). */
export async function systemChecks(inputs: CheckInputs): Promise<Check[]> {
  const events = await inputs.observer.auditEvents();
  const { offers, apiChain, offlineChain } = inputs;
  const acked = offers.filter((o) => o.incidentId !== null).length;
  const gaveUp = offers.filter((o) => o.gaveUp);
  const refused = offers.filter((o) => o.rejected !== null);
  const retried = offers.filter((o) => o.attempts > 1).length;
  const faultErrors = inputs.faults.filter((f) => f.error !== null);
  const graceful = inputs.faults.flatMap((f) => (f.termination ? [f.termination] : []));
  return [
    { name: 'reports offered (of which retried)', value: `${offers.length} (${retried})`, ok: null },
    { name: 'reports acknowledged', value: `${acked}/${offers.length}`, ok: null },
    {
      name: 'answers 5xx / network errors or timeouts (retried)',
      value: `${answered(offers, (status) => status.startsWith('5'))} / ${answered(offers, (s) => s === 'net')}`,
      ok: null,
    },
    zero(
      'reports never acknowledged (gave up)',
      gaveUp.length,
      sample(gaveUp, (o) => JSON.stringify(o.answers)),
    ),
    zero(
      'reports refused (4xx)',
      refused.length,
      sample(refused, (o) => `${o.rejected?.status ?? ''} ${o.rejected?.body ?? ''}`),
    ),
    ...(await incidentChecks(inputs, events)),
    {
      name: 'audit chain verifies through the API',
      value: apiChain.ok ? `yes (${apiChain.eventsChecked ?? '?'} events)` : 'NO',
      ok: apiChain.ok,
      ...(apiChain.ok ? {} : { detail: placeBreak(apiChain, events, inputs) }),
    },
    {
      name: 'audit chain verifies offline (CLI export + verify)',
      value: offlineChain.ok
        ? `yes (${offlineChain.eventsChecked ?? '?'} of ${offlineChain.exported ?? '?'} exported)`
        : 'NO',
      ok: offlineChain.ok,
      ...(offlineChain.ok ? {} : { detail: placeBreak(offlineChain, events, inputs) }),
    },
    count(null, 'audit events in the trail', events.length),
    ...(await storeChecks(inputs)),
    ...(await mailChecks(inputs)),
    zero(
      'processes that died by themselves',
      inputs.unexpectedExits.length,
      sample(
        inputs.unexpectedExits,
        (e) => `${e.name}#${e.incarnation}: ${e.signal ?? String(e.code)}, ${e.logFile}`,
      ),
    ),
    zero(
      'faults that could not be applied',
      faultErrors.length,
      sample(faultErrors, (f) => `${f.label}: ${f.error}`),
    ),
    terminationCheck('SIGTERM faults finished in time (exit 0)', graceful),
    {
      name: 'drained (quiet) before the timeout',
      value: inputs.drain.quiet ? `yes (${inputs.drain.seconds} s)` : `NO (${inputs.drain.seconds} s)`,
      ok: inputs.drain.quiet,
      ...(inputs.drain.quiet ? {} : { detail: inputs.drain.notQuiet }),
    },
  ];
}

/** A fresh report to every API process after the drain: each must answer 201 with an incident. */
export function intakeCheck(
  answers: ReadonlyArray<{ api: string; status: number | 'net'; ok: boolean }>,
): Check {
  const bad = answers.filter((a) => !a.ok);
  return {
    name: 'intake answering at the end',
    value: `${answers.length - bad.length}/${answers.length}`,
    ok: bad.length === 0,
    ...(bad.length > 0 ? { detail: bad.map((a) => `${a.api}: ${a.status}`) } : {}),
  };
}

/** Every SIGTERM ended the process by itself, with exit code 0, without launch.ts's hard exit. */
export function terminationCheck(name: string, terms: readonly Termination[]): Check {
  const bad = terms.filter((t) => t.code !== 0 || t.killed || t.overran);
  return {
    name,
    value: `${terms.length - bad.length}/${terms.length}`,
    ok: terms.length === 0 ? null : bad.length === 0,
    detail: sample(
      terms,
      (t) =>
        `${t.name}: exit ${t.signal ?? String(t.code)} after ${(t.ms / 1000).toFixed(1)} s` +
        `${t.killed ? ', SIGKILLed by the harness' : ''}${t.overran ? ', "shutdown did not finish in time"' : ''}`,
      20,
    ),
  };
}
