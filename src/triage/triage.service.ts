import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ALL_SCOPE, systemActor, NotFoundError, jobIntent, type JobIntent } from '../platform/index.js';
import { auditDraft, type AuditChange } from '../audit/index.js';
import {
  CLOSED_STATUSES,
  toTriageInput,
  type BureauDirectory,
  type CampaignAssessment,
  type CampaignService,
  type Incident,
  type IncidentTriage,
} from '../incidents/index.js';
import type { JobPayload } from '../jobs/index.js';
import { readDecideWrite, type Decision } from '../platform/db/index.js';
import type { CalendarSet } from '../clocks/calendar/index.js';
import {
  evaluatePolicy,
  loadPolicy,
  type ClockSpec,
  type DecidedClocks,
  type OwedNotification,
  type Policy,
  type TriageDecision,
  type TriageInput,
} from './index.js';
import { NO_DEADLINE } from './clock-deadline.js';
import { DECISION_REASONS, decisionRecordId, type TriageDecisionRecord } from './decision-record.js';
import type { DecisionRecords } from './decision-records.service.js';
import type { TriageStore } from './triage-store.js';

/**
 * Stores the clocks a first decision starts in their own record, before the decision's incident write,
 * and returns what that write carries for them (the clocks module's `startFirst`, passed in: the
 * clocks module reads triage's types): the earliest due time for the queues, the record's sequence it
 * came from, the state changes for the `clocks.updated` event, and the jobs (the timers, or a `sync`).
 */
export type DecisionClockStarter = (
  decided: DecidedClocks,
  now: Date,
  calendars: CalendarSet,
) => Promise<{ nextDueAt: Date | null; seq: number; changes: AuditChange[]; jobs: JobIntent[] }>;

/**
 * Files the queue row of an incident its first decision has just written (the workflow's queue
 * index, a projection that its reconciler rebuilds). That decision started the clocks and records
 * their timers itself, so no clock job follows to file the row.
 */
export type QueueRowFiler = (incident: Incident, nextDueAt: Date | null) => Promise<void>;

const clocksActor = systemActor('clocks');

/** What one triage run did. */
export type TriageOutcome = 'triaged' | 'retriaged' | 'unchanged';

const WRITE_ATTEMPTS = 5;
const actor = systemActor('triage');

const hashInput = (value: unknown, policyVersion: string): string =>
  createHash('sha256')
    .update(`${policyVersion}\n${canonicalize(JSON.parse(JSON.stringify(value)) as object) ?? ''}`)
    .digest('hex');

/** What the audit event records as changed by a decision. */
function decisionChanges(
  incident: Incident,
  clocksBefore: readonly ClockSpec[],
  next: Record<string, unknown>,
): AuditChange[] {
  const before: Record<string, unknown> = {
    status: incident.status,
    severity: incident.severity,
    queue: incident.triage?.queue ?? null,
    reportable: incident.triage?.reportable ?? null,
    categoryClass: incident.triage?.categoryClass ?? null,
    regimes: incident.triage?.regimes ?? null,
    clocks: clocksBefore.map((c) => ({ key: c.key, dueAt: c.dueAt ?? null })),
    policyVersion: incident.triage?.policyVersion ?? null,
  };
  return Object.keys(before)
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(next[field]))
    .map((field) => ({ field, before: before[field], after: next[field] }));
}

/**
 * The data of a decision's audit event: its round and input, and its reasons, which the relay adds
 * from the decision's record when it chains the event (stored before this write, never changed): the
 * incident's write and the relay's pull do not carry them a second time.
 */
function reasonsOfRecord(round: number, inputHash: string, decisionId: string) {
  return {
    data: { round, inputHash, decisionId },
    completeFrom: { source: DECISION_REASONS, id: decisionId },
  };
}

/**
 * Triage: evaluates the active policy against an incident, stores the whole decision as its own record,
 * then its summary, clocks and notifications, the status move and the audit event (which carries the
 * reasons) in ONE conditional update of the incident. Re-running with the same input and policy
 * changes nothing.
 */
export class TriageService {
  private policy: Policy | undefined;

  constructor(
    private readonly incidents: TriageStore,
    private readonly campaigns: CampaignService,
    private readonly bureaux: BureauDirectory,
    private readonly policyDir: string,
    private readonly decisions: DecisionRecords,
    /** Without it every decision leaves its clocks to the clock service (one more write per report). */
    private readonly startClocks?: DecisionClockStarter,
    /** Without it a first decision records a clock `sync` job, whose catch-up files the row. */
    private readonly fileQueueRow?: QueueRowFiler,
  ) {}

  /** Loads and validates the policy; throws PolicyLoadError so a bad pack stops the start. */
  load(): Policy {
    this.policy = loadPolicy(this.policyDir);
    return this.policy;
  }

  get activePolicy(): Policy {
    return (this.policy ??= this.load());
  }

  /**
   * Triages the incident now, for the job's `reason` when a job asks. Throws NotFoundError when it does
   * not exist (a permanent failure).
   */
  async triage(
    incidentId: string,
    now = new Date(),
    reason?: JobPayload<'triage'>['reason'],
  ): Promise<TriageOutcome> {
    // The first attempt may decide on the incident as intake inserted it in this process: its write
    // is conditional on that revision, and a lost race reads the store.
    let first = true;
    return readDecideWrite({
      read: () => {
        const inserted = first ? this.incidents.takeInserted(incidentId) : undefined;
        first = false;
        return inserted ? Promise.resolve(inserted) : this.incidents.findById(ALL_SCOPE, incidentId);
      },
      decide: (incident): Decision<Incident, never> => {
        if (!incident) throw new NotFoundError(`Incident ${incidentId}`);
        return { write: incident };
      },
      // The policy is evaluated inside the attempt: its campaign links are idempotent, and the
      // decision is written on the incident's revision read (null: it moved, read and evaluate again).
      write: (incident) => this.triageOnce(incident, now, reason),
      attempts: WRITE_ATTEMPTS,
      exhausted: () => new Error(`incident ${incidentId} kept changing during triage`),
    });
  }

  /**
   * One attempt; null when the incident changed meanwhile (re-read and retry). The decision the bureau
   * sees (severity, clocks, reasons, mails) is evaluated without other bureaux' facts, so nothing a
   * reporter can observe depends on them; the campaign's CERT-side priority is stored on the link.
   */
  private async triageOnce(
    incident: Incident,
    now: Date,
    reason?: JobPayload<'triage'>['reason'],
  ): Promise<TriageOutcome | null> {
    const policy = this.activePolicy;
    // A first-triage job reaching an incident already decided, with nothing pending, was done already
    // (a second delivery, or a previous version's outbox relayed after an upgrade): the decision stands.
    // Deciding again would apply this version's policy and code, which no new fact asked for, and move
    // the ETag a responder holds.
    if (reason === 'reported' && incident.triage && !incident.triagePending) return 'unchanged';
    // A closed, rejected or merged incident keeps the decision it was finished with, as it takes no
    // new facts (`IncidentService`): a triage job that reaches it late (a leftover of a process or a
    // version before, a campaign's re-triage) would otherwise decide again on the times its lifecycle
    // added, move its clocks and its ETag. One never decided is still decided.
    const finished = incident.triage;
    if (finished && CLOSED_STATUSES.includes(incident.status)) {
      return (await this.confirm(incident, finished, policy)) ? 'unchanged' : null;
    }
    const match = await this.campaigns.match(incident);
    const bureau = await this.bureaux.getBureau(incident.bureauId);
    const input = toTriageInput(incident, bureau?.regimes ?? [], 0);
    // The link first: a crash before the decision leaves triage pending, and the re-run links again
    // (both steps write nothing when there is nothing new).
    await this.campaigns.record(
      actor,
      incident,
      match,
      this.assess(policy, input, match.relatedBureauxCount, now),
    );
    if (match.relatedIncidentIds.length > 0) await this.campaigns.linkBack(actor, incident, match);
    const inputHash = hashInput(input, policy.version);
    const inForce = incident.triage;
    if (inForce?.inputHash !== inputHash) return this.decide(incident, policy, input, inputHash, now);
    return (await this.confirm(incident, inForce, policy)) ? 'unchanged' : null;
  }

  /** Same input and policy as the stored decision: clears `triagePending` (audited) if it is set. */
  private async confirm(incident: Incident, inForce: IncidentTriage, policy: Policy): Promise<boolean> {
    if (!incident.triagePending) return true;
    const draft = auditDraft(
      actor,
      'incident.triage_confirmed',
      { type: 'incident', id: incident.id, ref: incident.ref },
      { bureauId: incident.bureauId, policyVersion: policy.version, data: { round: incident.triageRound } },
    );
    // Nothing a responder sees changes: the revision (their ETag) stays.
    const done = await this.incidents.applyUnseenTriage(
      incident.id,
      { revision: incident.revision, decisionId: inForce.decisionId },
      { set: { triagePending: false, 'triage.round': incident.triageRound }, audit: [draft] },
    );
    return done !== null;
  }

  /** Evaluates and stores the bureau-facing decision; null when the incident changed meanwhile. */
  private async decide(
    incident: Incident,
    policy: Policy,
    input: TriageInput,
    inputHash: string,
    now: Date,
  ): Promise<TriageOutcome | null> {
    const decision = evaluatePolicy(policy, input, now);
    const decisionId = decisionRecordId(incident.id, incident.triageRound, inputHash);
    // The decision in force, for what it already owes and what a responder sees of it (one read, only
    // on a re-triage).
    const inForce = incident.triage
      ? ((await this.decisions.byIds([incident.triage.decisionId])).get(incident.triage.decisionId) ?? null)
      : null;
    const owedBefore = inForce?.owed ?? [];
    const known = new Set(owedBefore.map((n) => n.key));
    const added: OwedNotification[] = decision.notifications
      .filter((n) => !known.has(n.key))
      .map((n) => ({
        ...n,
        clock: n.clock ?? null,
        status: 'pending',
        policyVersion: policy.version,
        createdAt: now,
      }));
    // The records first (the decision's, and a first decision's clocks, side by side), so the incident
    // never names a decision or clocks that are not stored. A crash or a lost race after them leaves
    // records nothing names, which a repeat with the same input finds again.
    const [, clocks] = await Promise.all([
      this.decisions.record({
        ...decision,
        id: decisionId,
        incidentId: incident.id,
        bureauId: incident.bureauId,
        round: incident.triageRound,
        inputHash,
        decidedAt: now,
        owed: [...owedBefore, ...added],
      }),
      this.firstClocks(incident, decision, decisionId, policy, now),
    ]);
    const first = incident.triage === null;
    if (incident.triage && inForce && added.length === 0 && this.unseen(inForce, decision)) {
      return this.storeUnseen(incident, incident.triage.decisionId, decision, decisionId, inputHash, now);
    }
    const set = {
      ...this.decisionFields(incident, decision, decisionId, inputHash, now),
      ...decisionClocks(clocks),
      // The clocks follow this decision: its `sync` (or the record just stored) brings them in line.
      clocksDecisionId: decisionId,
    };
    const subject = { type: 'incident', id: incident.id, ref: incident.ref } as const;
    const audit = [
      auditDraft(actor, first ? 'incident.triaged' : 'incident.retriaged', subject, {
        bureauId: incident.bureauId,
        policyVersion: policy.version,
        changes: decisionChanges(incident, inForce?.clocks ?? [], {
          status: set.status,
          severity: decision.severity,
          queue: decision.queue,
          reportable: decision.reportable,
          categoryClass: decision.categoryClass,
          regimes: decision.regimes,
          clocks: decision.clocks.map((c) => ({ key: c.key, dueAt: c.dueAt ?? null })),
          policyVersion: policy.version,
        }),
        ...reasonsOfRecord(incident.triageRound, inputHash, decisionId),
      }),
    ];
    if (clocks && clocks.changes.length > 0) {
      // The event the clock service would have written for the clocks it started.
      audit.push(
        auditDraft(clocksActor, 'clocks.updated', subject, {
          bureauId: incident.bureauId,
          policyVersion: policy.version,
          changes: clocks.changes,
        }),
      );
    }
    // Clocks started in their record need nothing of the clock service but their timers (recorded
    // here) and the queue row (filed below): no `sync` job and its reads follow, unless obligations
    // were recorded before triage (the planned clocks have not taken them in: the sync does).
    const recordedBefore = (incident as { obligations?: unknown[] }).obligations?.length ?? 0;
    const started = clocks && this.fileQueueRow && recordedBefore === 0 ? clocks : null;
    // The notifications owed are the record's: the incident carries none (the dispatch reads them there).
    const updated = await this.incidents.applyChange(ALL_SCOPE, incident.id, incident.revision, {
      set,
      audit,
      jobs: [
        ...decisionJobs(incident, decisionId, added.length > 0, now, started?.jobs ?? null),
        // The timers of clocks started here and not left to the sync: it re-adds them anyway.
        ...(clocks && !started ? clocks.jobs : []),
      ],
    });
    if (!updated) return null;
    if (started && this.fileQueueRow) await this.fileQueueRow(updated, started.nextDueAt);
    return first ? 'triaged' : 'retriaged';
  }

  /**
   * Whether a new decision says to responders exactly what the one in force (its record) says: same
   * severity, class, queue, regimes, reasons, ladder and clock specs, with the clocks following the
   * decision in force. (The caller has checked it calls for no notification not owed already.)
   */
  private unseen(stored: TriageDecisionRecord, decision: TriageDecision): boolean {
    // A clock counting from triage is timed from each decision, but a running one keeps its first
    // start (the clock rules' merge): its times say nothing new.
    const clocks = (specs: readonly ClockSpec[]) =>
      specs.map(({ startsAt, dueAt, warnAt, ...spec }) =>
        spec.startsFrom === 'triaged' ? spec : { ...spec, startsAt, dueAt, warnAt },
      );
    const seen = (d: TriageDecision) =>
      JSON.stringify([
        d.severity,
        d.categoryClass,
        d.reportable,
        d.queue,
        d.regimes,
        d.reasons,
        d.escalation,
        clocks(d.clocks),
      ]);
    return seen(stored) === seen(decision);
  }

  /**
   * Stores a decision a responder cannot tell from the one in force: its summary moves to it, with the
   * `incident.retriaged` event, and the revision (the responder's ETag) stays. The clocks keep
   * following the decision they follow (same specs), and no clock sync or notification follows:
   * there is nothing new for them.
   */
  private async storeUnseen(
    incident: Incident,
    inForce: string,
    decision: TriageDecision,
    decisionId: string,
    inputHash: string,
    now: Date,
  ): Promise<TriageOutcome | null> {
    const { triage, triagePending } = this.decisionFields(incident, decision, decisionId, inputHash, now);
    const draft = auditDraft(
      actor,
      'incident.retriaged',
      { type: 'incident', id: incident.id, ref: incident.ref },
      {
        bureauId: incident.bureauId,
        policyVersion: decision.policyVersion,
        changes: [],
        ...reasonsOfRecord(incident.triageRound, inputHash, decisionId),
      },
    );
    const stored = await this.incidents.applyUnseenTriage(
      incident.id,
      { revision: incident.revision, decisionId: inForce },
      { set: { triage, triagePending }, audit: [draft] },
    );
    return stored ? 'retriaged' : null;
  }

  /**
   * The clocks of a first decision, stored in their record before its incident write; null for a
   * re-triage (the clock service merges a new decision with the clocks' progress: the `sync` the write
   * records) or when no starter is wired.
   */
  private async firstClocks(
    incident: Incident,
    decision: TriageDecision,
    decisionId: string,
    policy: Policy,
    now: Date,
  ) {
    const first = incident.triage === null && incident.status === 'reported';
    if (!first || !this.startClocks) return null;
    return this.startClocks(
      {
        incidentId: incident.id,
        bureauId: incident.bureauId,
        ref: incident.ref,
        decisionId,
        clocks: decision.clocks,
        ladder: decision.escalation,
        severity: decision.severity,
      },
      now,
      policy.calendars,
    );
  }

  /**
   * The CERT-side view of a campaign: the severity the policy gives with the other bureaux counted,
   * and the reasons the bureau-facing decision lacks. Never stored where the bureau can see it.
   */
  private assess(policy: Policy, input: TriageInput, related: number, now: Date): CampaignAssessment {
    if (related === 0) return { relatedBureauxCount: 0, priority: null, priorityReasons: [] };
    const bureauFacing = new Set(evaluatePolicy(policy, input, now).reasons.map((r) => r.rule));
    const decision = evaluatePolicy(policy, { ...input, relatedBureauxCount: related }, now);
    return {
      relatedBureauxCount: related,
      priority: decision.severity,
      priorityReasons: decision.reasons.filter((r) => !bureauFacing.has(r.rule)),
    };
  }

  private decisionFields(
    incident: Incident,
    decision: TriageDecision,
    decisionId: string,
    inputHash: string,
    now: Date,
  ) {
    const triage: IncidentTriage = {
      decisionId,
      policyVersion: decision.policyVersion,
      inputHash,
      round: incident.triageRound,
      decidedAt: now,
      severity: decision.severity,
      categoryClass: decision.categoryClass,
      reportable: decision.reportable,
      queue: decision.queue,
      regimes: decision.regimes,
      escalation: decision.escalation,
      // The bureau-facing decision never counts other bureaux (the campaign link holds that).
      relatedBureauxCount: 0,
    };
    return {
      triage,
      severity: decision.severity,
      status: incident.status === 'reported' ? 'triaged' : incident.status,
      triagedAt: incident.triagedAt ?? now,
      triagePending: false,
    };
  }
}

/**
 * What a first decision's incident write carries of the clocks it stored in their record: the earliest
 * due time for the queues' sort, and the record's sequence it came from.
 */
function decisionClocks(clocks: { nextDueAt: Date | null; seq: number } | null): Record<string, unknown> {
  if (!clocks) return {};
  return { nextDueAt: clocks.nextDueAt, urgencyAt: clocks.nextDueAt ?? NO_DEADLINE, clockSeq: clocks.seq };
}

/**
 * The jobs a stored decision causes, recorded in its own write (the audit relay enqueues them): the
 * clocks brought in line with it (the timers of clocks it started, else a `sync`), and the
 * notifications it adds requested. Their ids carry the revision this write produces, so each
 * decision has its own and a repeat of one adds nothing.
 */
function decisionJobs(
  incident: Incident,
  decisionId: string,
  notifies: boolean,
  now: Date,
  startedTimers: JobIntent[] | null,
): JobIntent[] {
  const revision = incident.revision + 1;
  const clocks = startedTimers ?? [
    jobIntent('clocks', `${incident.id}-sync-${revision}`, {
      incidentId: incident.id,
      clockKey: 'all',
      kind: 'sync',
      at: now.getTime(),
    }),
  ];
  if (!notifies) return clocks;
  return [
    ...clocks,
    jobIntent('dispatch', `${incident.id}-n${revision}`, {
      incidentId: incident.id,
      round: incident.triageRound,
      decisionId,
    }),
  ];
}
