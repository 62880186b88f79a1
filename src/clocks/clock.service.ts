import { systemActor } from '../auth/index.js';
import { auditDraft, type AuditDraft } from '../audit/index.js';
import { readDecideWrite, type Decision } from '../platform/db/index.js';
import type { Logger, Metrics } from '../platform/index.js';
import { queueWarningRoute } from '../triage/index.js';
import type { CalendarSet } from './calendar/index.js';
import { clockChanges } from './clock-changes.js';
import { timerJobId } from './clock-events.js';
import { clockFactInput, currentClocks } from './clock-fields.js';
import { planClocks } from './clock-plan.js';
import type { ClockReads } from './clock-reads.js';
import type { ClockRecordRepository } from './clock-record.repository.js';
import { startedClocks } from './clock-rules.js';
import type { ClockedIncident, ClockStore, NotificationRequest } from './clock-store.js';
import { clockSyncJob, clockWriteJobs, type ClockTimers } from './clock-timers.js';
import type { ClockEvent, IncidentClock } from './clock.types.js';
import { planDecisionClocks, type DecidedClocks, type FirstClocks } from './decision-clocks.js';
import { notificationIdFor, type NotificationRequests } from './notification-requests.js';

const actor = systemActor('clocks');
const ATTEMPTS = 10;

/** A clock step decided on one read: the incident read, its plan and the timers it leaves. */
interface ClockStep {
  incident: ClockedIncident;
  plan: ReturnType<typeof planClocks>;
  timerIds: string[];
}

const ACTIONS: Record<ClockEvent['kind'], string> = {
  warning: 'clock.warning',
  breach: 'clock.breached',
  escalation: 'clock.escalated',
};

/** The notification an event asks for: a warning to the team, a breach notice, an escalation alert. */
function requestFor(
  incident: ClockedIncident,
  event: ClockEvent,
  clock: IncidentClock | undefined,
): NotificationRequest {
  const queue = incident.triage?.queue ?? 'unrouted';
  const iso = (d: Date | string | undefined) => (d === undefined ? null : new Date(d).toISOString());
  const clockData = {
    name: clock?.name ?? event.clockKey,
    regime: clock?.regime ?? 'unknown',
    dueAt: iso(clock?.dueAt),
    warnAt: iso(clock?.warnAt),
  };
  const base = { notificationId: notificationIdFor(incident.id, event.key), createdAt: new Date() };
  if (event.kind === 'warning') {
    return {
      ...base,
      kind: 'clock-warning',
      template: 'clock-warning',
      recipients: [queueWarningRoute(queue)],
      data: { clock: clockData },
    };
  }
  if (event.kind === 'breach') {
    const data = { clock: clockData, breachedAt: event.at.toISOString() };
    return { ...base, kind: 'breach-notice', template: 'breach-notice', recipients: event.notify, data };
  }
  const missed = event.missed === undefined ? '' : `, ${event.missed} reminders missed`;
  const reason = `${clockData.name} is overdue since ${clockData.dueAt ?? 'its deadline'} (${event.tier}${missed})`;
  return {
    ...base,
    kind: 'escalation-alert',
    template: 'escalation-alert',
    recipients: event.notify,
    data: { tier: event.step, reason, clock: clockData },
  };
}

/** How a catch-up was asked for. */
export interface CatchUpOptions {
  /** Epoch ms the plan never runs earlier than: a timer's own time, on a host clock slightly behind. */
  notBefore?: number;
  /** Set by a timer job: a catch-up that changes nothing writes nothing, not even to Redis. */
  fired?: boolean;
  /**
   * Set by a request that has just recorded a fact the clocks follow: the clocks are brought in line
   * for its answer, and the mails queued by earlier writes are left to the `sync` jobs those recorded.
   */
  inline?: boolean;
  /**
   * The incident with its clocks as the caller has just read or written them: the first attempt plans
   * from it instead of reading both again (a write that loses reads afresh).
   */
  known?: ClockedIncident;
}

/** Outcome of one catch-up, for the job's return value and the tests. */
export interface CatchUpResult {
  outcome: 'missing' | 'unchanged' | 'updated';
  events: string[];
  /** The incident with its clocks as the catch-up left them (absent when missing). */
  incident?: ClockedIncident;
}

/**
 * Brings an incident's clocks up to now: merges a new triage decision, marks warnings, breaches and
 * escalation steps that fell due, and keeps exactly the timers the clocks need. Every timer job, the
 * reconciler and the triage follower call this one method; it is idempotent because each event is
 * recorded (its key in `clockEvents`, a reminder in its clock's counter) by the same conditional
 * update that applies it, on the revision and clock sequence it read (the write also requires the
 * keys to be absent, so two workers can never both apply one step). One pass does bounded work
 * however late it runs: per clock at most a warning, the breach, the ladder's levels and ONE event
 * for all the reminders owed.
 */
export class ClockService {
  constructor(
    private readonly store: ClockStore,
    private readonly records: ClockRecordRepository,
    private readonly reads: ClockReads,
    private readonly notifications: NotificationRequests,
    private readonly timers: ClockTimers,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    /** The active policy's business-day calendars: a re-triaged clock is counted again with them. */
    private readonly calendars: () => CalendarSet,
  ) {}

  async catchUp(incidentId: string, options: CatchUpOptions = {}): Promise<CatchUpResult> {
    let known = options.known;
    return readDecideWrite({
      read: async () => {
        if (known) {
          const given = known;
          known = undefined;
          return given;
        }
        const facts = await this.store.find(incidentId);
        return facts ? this.reads.join(facts) : null;
      },
      decide: async (incident): Promise<Decision<ClockStep, CatchUpResult>> => {
        if (!incident) return { done: { outcome: 'missing', events: [] } };
        if (!options.inline) await this.flushOutboxes(incident);
        // Never triaged (or rejected before it): no clocks to keep, and no record to start.
        if (incident.clockSeq === 0 && incident.decidedClocks === null)
          return { done: { outcome: 'unchanged', events: [], incident } };
        // Taken after the read, on every attempt: a plan must never be older than the state it reads.
        const now = new Date(Math.max(Date.now(), options.notBefore ?? 0));
        const plan = planClocks(
          {
            clocks: incident.clocks,
            decided: incident.decidedClocks,
            clockEvents: incident.clockEvents,
            clockTimers: incident.clockTimers,
            facts: clockFactInput(incident),
            ladder: incident.triage?.escalation ?? [],
            severity: incident.severity,
            open: this.store.isOpen(incident),
          },
          now,
          this.calendars(),
        );
        const timerIds = plan.timers.map((timer) => timerJobId(incident.id, timer));
        const timersMoved = JSON.stringify(timerIds) !== JSON.stringify(incident.clockTimers);
        if (!plan.changed && !timersMoved) {
          // A fired timer that finds nothing to do costs this one read: the write that stored these
          // timers set them and the queue row (or the reconciler repairs them). Triage follow-ups and
          // reconciler repairs come here to re-add lost timers and re-file the row after triage.
          if (options.fired) return { done: { outcome: 'unchanged', events: [], incident } };
          await this.timers.ensure(incident.id, plan.timers);
          await this.store.settled(incident);
          return { done: { outcome: 'unchanged', events: [], incident } };
        }
        return { write: { incident, plan, timerIds } };
      },
      write: async ({ incident, plan, timerIds }) => {
        const keys = plan.events.map((event) => event.key);
        // Clock progress is written on the clock record only: it never moves the responder's version.
        const requests = plan.events.map((event) =>
          requestFor(
            incident,
            event,
            plan.clocks.find((c) => c.key === event.clockKey),
          ),
        );
        const record = incident.clockRecord;
        const written = await this.records.write(record, {
          set: {
            clocks: plan.clocks,
            decisionId: incident.clocksDecisionId ?? record.decisionId,
            timers: timerIds,
            nextDueAt: plan.nextDueAt,
            appliedObligations: incident.obligations.length,
            // The whole list, pruned: the sequence guard makes replacing it safe.
            events: plan.clockEvents,
          },
          outbox: requests,
          eventsAbsent: keys,
          audit: this.drafts(incident, plan),
          jobs: clockWriteJobs(incident.id, `s${String(record.seq)}`, plan.timers, requests.length > 0),
        });
        const updated = written ? this.reads.withRecord(incident, written) : null;
        if (!updated) return null;
        for (const event of plan.events.filter((e) => e.kind === 'breach')) {
          const clock = plan.clocks.find((c) => c.key === event.clockKey);
          this.metrics.clockBreaches.inc({
            regime: clock?.regime ?? 'unknown',
            severity: incident.severity ?? 'none',
          });
        }
        await this.store.settled(updated);
        if (keys.length > 0) this.logger.info({ incidentId, events: keys }, 'clock events applied');
        return { outcome: 'updated', events: keys, incident: updated } satisfies CatchUpResult;
      },
      attempts: ATTEMPTS,
      exhausted: () => new Error(`incident ${incidentId} kept changing while its clocks were updated`),
    });
  }

  /**
   * Stores the clocks of an incident's first triage decision in their record, before the decision's
   * incident write, and returns what that write carries for them. A record already there (an earlier
   * attempt's) stands: a `sync` then brings it in line with the decision the incident names.
   */
  async startFirst(decided: DecidedClocks, now: Date, calendars: CalendarSet): Promise<FirstClocks> {
    const { record, first } = planDecisionClocks(decided, now, calendars);
    if (await this.records.insert(record)) return first;
    return { ...first, jobs: [...first.jobs, clockSyncJob(decided.incidentId, 'first')] };
  }

  /**
   * Whether the stored clocks lag the facts they follow: bare specs not started, a decision not merged,
   * an obligation or a milestone not taken in (the write that recorded it lost its `sync`).
   */
  behind(incident: ClockedIncident): boolean {
    if (incident.decidedClocks !== null) return true;
    if (incident.clockRecord.appliedObligations !== incident.obligations.length) return true;
    if (incident.clocks.some((clock) => !('state' in clock))) return true;
    return JSON.stringify(currentClocks(incident, this.calendars())) !== JSON.stringify(incident.clocks);
  }

  /** The incident's urgency and index rows, as its record has them (reconciler passes repair them this way). */
  settled(incident: ClockedIncident): Promise<void> {
    return this.store.settled(incident);
  }

  /**
   * Hands the mails queued by earlier writes (the record's clock events, the incident's own notices) to
   * the notifications, then clears exactly those: each request is idempotent by its notification id.
   */
  private async flushOutboxes(incident: ClockedIncident): Promise<void> {
    const queued = incident.clockRecord.outbox;
    for (const entry of queued) await this.notifications.request({ ...entry, incidentId: incident.id });
    await this.records.clearOutbox(incident.id, queued);
    await this.store.flushOutbox(incident);
  }

  private drafts(incident: ClockedIncident, plan: ReturnType<typeof planClocks>): AuditDraft[] {
    const subject = { type: 'incident' as const, id: incident.id, ref: incident.ref };
    const policyVersion = incident.triage?.policyVersion ?? null;
    const drafts = plan.events.map((event) =>
      auditDraft(actor, ACTIONS[event.kind], subject, {
        bureauId: incident.bureauId,
        policyVersion,
        data: {
          clockKey: event.clockKey,
          occurrence: event.occurrence,
          step: event.step,
          tier: event.tier,
          notified: event.notify,
          dueAt: event.at.toISOString(),
          ...(event.missed === undefined ? {} : { missed: event.missed }),
        },
      }),
    );
    const before = startedClocks(incident.clocks);
    const changes = clockChanges(before, plan.clocks).filter((c) => c.after !== 'breached');
    if (changes.length > 0) {
      drafts.push(
        auditDraft(actor, 'clocks.updated', subject, { bureauId: incident.bureauId, policyVersion, changes }),
      );
    }
    return drafts;
  }
}
