import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  scopeOf,
  type Actor,
  BadRequestError,
  ConflictError,
  InternalError,
  ValidationError,
  DEFAULT_INCIDENT_PAP,
  DEFAULT_INCIDENT_TLP,
  jobIntent,
} from '../platform/index.js';
import { auditDraft } from '../audit/index.js';
import type { IdempotencyRepository } from './idempotency.repository.js';
import { newIncidentId } from './incident-id.js';
import { formatRef, hongKongYear } from './incident-sequence.repository.js';
import type { IncidentRepository } from './incident.repository.js';
import type { CreateIncidentInput } from './incident.schemas.js';
import type { ActorRef, Incident, IncidentFacts } from './incident.types.js';
import {
  isCertRole,
  toIncidentView,
  completeViews,
  type IncidentView,
  type ViewLookups,
} from './incident.view.js';
import { noticeTimeProblems, reportTimeProblems, type ReportTimeBounds } from './report-times.js';
import { triageJobId, type TriageRequester } from './triage-request.js';

/** Where intake learns whether a bureau exists and files reports (the auth module's bureau service). */
export interface BureauDirectory {
  getBureau(code: string): Promise<{ code: string; regimes: string[]; active: boolean } | null>;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
export const actorRef = (actor: Actor): ActorRef => ({
  userId: actor.userId,
  name: actor.name,
  role: actor.role,
});

/**
 * The body as its idempotency hash sees it: default markings left out, so a body that names AMBER/AMBER
 * and one that names nothing are the same request, and a retry of a report sent before the markings
 * existed (its hash stored without them) is still recognised.
 */
function hashedInput(input: CreateIncidentInput): Record<string, unknown> {
  const { tlp, pap, ...rest } = input;
  return {
    ...rest,
    ...(tlp === DEFAULT_INCIDENT_TLP ? {} : { tlp }),
    ...(pap === DEFAULT_INCIDENT_PAP ? {} : { pap }),
  };
}

/**
 * Files new reports: decides the bureau, honours `Idempotency-Key`, stores the incident with its
 * reference and its `incident.reported` event in one insert, then asks for triage.
 */
export class IncidentIntakeService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly triage: TriageRequester,
    private readonly bureaux: BureauDirectory,
    private readonly refPrefix: string,
    private readonly timeBounds: ReportTimeBounds,
    private readonly lookups: ViewLookups = {},
  ) {}

  /** The actor's view, completed from the records other modules own (a retry's may be triaged). */
  private async view(incident: Incident, actor: Actor): Promise<IncidentView> {
    const [view] = await completeViews([toIncidentView(incident, actor)], this.lookups);
    return view;
  }

  /** 422 naming each implausible time: too far back, or out of order (see `reportTimeProblems`). */
  private checkTimes(input: CreateIncidentInput, now: Date): void {
    const problems = [
      ...reportTimeProblems(input.times, now, this.timeBounds, 'body.times'),
      ...noticeTimeProblems(input.externalNotified, now, this.timeBounds, 'body.externalNotified'),
    ];
    if (problems.length > 0) throw new ValidationError(problems, 'Some report times are not plausible.');
  }

  private async bureauFor(actor: Actor, input: CreateIncidentInput): Promise<string> {
    if (!isCertRole(actor)) {
      if (!actor.bureauId) throw new InternalError('reporter without a bureau');
      if (input.bureauId !== undefined && input.bureauId !== actor.bureauId) {
        throw new ValidationError([
          { path: 'body.bureauId', message: 'reporters file for their own bureau only' },
        ]);
      }
      return actor.bureauId;
    }
    if (!input.bureauId)
      throw new ValidationError([{ path: 'body.bureauId', message: 'name the bureau the report is for' }]);
    if (!(await this.bureaux.getBureau(input.bureauId))) {
      throw new ValidationError([{ path: 'body.bureauId', message: 'unknown bureau' }]);
    }
    return input.bureauId;
  }

  /**
   * 409 `bureau_deactivated` when the bureau was deactivated. Read through the bureau service's short
   * cache: a deactivation made in this process holds at once, one made in another within its TTL.
   */
  private async checkFiles(bureauId: string): Promise<void> {
    const bureau = await this.bureaux.getBureau(bureauId);
    if (bureau && !bureau.active) {
      throw new ConflictError(
        `Bureau ${bureauId} is deactivated and files no new reports; its existing incidents stay readable.`,
        'bureau_deactivated',
        { help: 'An administrator can reactivate it (POST /api/v1/admin/bureaux/:code/reactivate).' },
      );
    }
  }

  /**
   * Creates the incident (201 only once the insert is acknowledged). With an idempotency key, a retry
   * with the same body returns the same incident; with another body it is refused.
   */
  async create(actor: Actor, input: CreateIncidentInput, idempotencyKey?: string): Promise<IncidentView> {
    const bureauId = await this.bureauFor(actor, input);
    this.checkTimes(input, new Date());
    let incidentId = newIncidentId();
    if (idempotencyKey !== undefined) {
      if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw new BadRequestError(
          'Idempotency-Key must be 1-200 visible ASCII characters.',
          'bad_idempotency_key',
        );
      }
      const bodyHash = sha256(
        canonicalize(JSON.parse(JSON.stringify({ bureauId, input: hashedInput(input) })) as object) ?? '',
      );
      const keyHash = sha256(`${actor.userId}\n${idempotencyKey}`);
      const { record } = await this.idempotency.claim({ keyHash, bodyHash, incidentId });
      if (record.bodyHash !== bodyHash) {
        throw new ValidationError(
          [{ path: 'headers.idempotency-key', message: 'already used with a different body' }],
          'This Idempotency-Key was used for a different request.',
        );
      }
      incidentId = record.incidentId;
      const done = await this.incidents.findById(scopeOf(actor), incidentId);
      if (done) return this.view(done, actor);
    }
    // Checked only for a new incident: a retry of a report filed before the deactivation still
    // gets its first answer above.
    await this.checkFiles(bureauId);
    const inserted = await this.insert(actor, bureauId, incidentId, input);
    // At once as well (the relay may be busy chaining): the insert recorded the same job for a crash.
    await this.triage.request(incidentId, 0, 'reported');
    // The insert's own document unless a concurrent retry with the same key stored it first.
    const stored = inserted ?? (await this.incidents.findById(scopeOf(actor), incidentId));
    if (!stored) throw new InternalError('incident not readable after its insert');
    return this.view(stored, actor);
  }

  private async insert(
    actor: Actor,
    bureauId: string,
    id: string,
    input: CreateIncidentInput,
  ): Promise<Incident | null> {
    const { bureauId: _bureau, indicators, externalNotified, tlp, pap, ...facts } = input;
    const now = new Date();
    const year = hongKongYear(now);
    return this.incidents.insertNew(id, { bureauId, year }, (seq) => {
      const ref = formatRef(this.refPrefix, year, seq, bureauId);
      const draft = auditDraft(
        actor,
        'incident.reported',
        { type: 'incident', id, ref },
        {
          bureauId,
          at: now,
          changes: [{ field: 'status', before: null, after: 'reported' }],
          data: { category: facts.category, indicators: indicators.length, tlp, pap },
        },
      );
      return {
        ref,
        year,
        seq,
        bureauId,
        status: 'reported',
        severity: null,
        tlp,
        pap,
        facts: facts satisfies IncidentFacts,
        indicators,
        externalNotified,
        updateCount: 0,
        reportedBy: actorRef(actor),
        reportedAt: now,
        triage: null,
        triagedAt: null,
        triageRound: 0,
        triagePending: true,
        clocks: [],
        campaign: null,
        revision: 0,
        createdAt: now,
        updatedAt: now,
        pendingAudit: [draft],
        // The triage job the report causes, recorded by its own insert: the relay enqueues it even
        // if this process dies before its direct add below (the same job id: one job).
        pendingJobs: [jobIntent('triage', triageJobId(id, 0), { incidentId: id, reason: 'reported' })],
      };
    });
  }
}
