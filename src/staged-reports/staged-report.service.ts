import { auditDraft } from '../audit/index.js';
import { roleHas, systemActor, type Actor } from '../auth/index.js';
import { readDecideWrite, type Decision } from '../platform/db/index.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../platform/index.js';
import type { WorkflowIncident, WorkflowServices } from '../workflow/index.js';
import type { StagedReportMailer } from './staged-report.mail.js';
import { occurrencesOf, owedReports } from './staged-report.status.js';
import type { StagedReportRepository } from './staged-report.repository.js';
import type {
  MetClock,
  OwedReport,
  ReviewInput,
  ReviewState,
  StagedReport,
  StagedReportMailEvent,
  StagedReportPerson,
  SubmissionInput,
} from './staged-report.types.js';

/** The workflow services a staged report needs: the incident in the caller's scope, and its obligations. */
export type StagedReportWorkflow = Pick<WorkflowServices, 'writer' | 'scope' | 'obligations'>;

/** The incident as a page shows it beside its reports. */
export interface ReportedIncident {
  id: string;
  ref: string;
  title: string;
  bureauId: string;
}

const SWEEPER = systemActor('staged-reports');

/** How often a submission is planned again when the incident moved under it (responders at work). */
const ATTEMPTS = 5;

/** Which states a decision may start from. */
const FROM: Record<ReviewInput['decision'], readonly ReviewState[]> = {
  under_review: ['submitted'],
  accepted: ['submitted', 'under_review'],
  revision_requested: ['submitted', 'under_review'],
};

const personOf = (actor: Actor): StagedReportPerson => ({
  userId: actor.userId,
  name: actor.name,
  role: actor.role,
});

function incidentOf(incident: WorkflowIncident): ReportedIncident {
  const title = incident.facts.title;
  return {
    id: incident.id,
    ref: incident.ref,
    title: typeof title === 'string' ? title : incident.ref,
    bureauId: incident.bureauId,
  };
}

/**
 * The staged reports a bureau owes on an incident: each of the incident's bureau clocks (`report.*`)
 * is a report to write; submitting it meets the clock through the workflow's obligation service (met,
 * or late), and the CERT reviews it: accepted, or sent back with a comment for a new version. Every
 * read goes through the workflow's scoped read, so another bureau's incident is not found.
 */
export class StagedReportService {
  constructor(
    private readonly repository: StagedReportRepository,
    private readonly workflow: StagedReportWorkflow,
    private readonly now: () => Date = () => new Date(),
    /** Tells the other side (without it, the mails stay owed in the outbox). */
    private readonly mailer?: StagedReportMailer,
  ) {}

  /** Requests the mail `report` owes for `event`, and clears it from the outbox once settled. */
  private async mail(actor: Actor, report: StagedReport, event: StagedReportMailEvent): Promise<void> {
    if (!this.mailer) return;
    if (await this.mailer.requestFor(actor, report, event)) {
      await this.repository.mailRequested(report.id, event);
    }
  }

  /**
   * Requests the mails still owed for events older than `graceMs` (the process that wrote them died,
   * or the store refused the request). The notifications module's idempotency key is the version and
   * the event, so a mail requested just before a crash is not sent twice. Returns how many it settled.
   */
  async requestOwedMail(graceMs = 60_000, limit = 100): Promise<number> {
    if (!this.mailer) return 0;
    const owed = await this.repository.mailOwed(new Date(this.now().getTime() - graceMs), limit);
    let settled = 0;
    for (const { report, events } of owed) {
      for (const event of events) {
        if (!(await this.mailer.requestFor(SWEEPER, report, event))) continue;
        await this.repository.mailRequested(report.id, event);
        settled += 1;
      }
    }
    return settled;
  }

  private read(actor: Actor, incidentId: string): Promise<WorkflowIncident> {
    return this.workflow.writer.read(this.workflow.scope(actor), incidentId);
  }

  /** Every report the bureau owes or has sent on the incident, with its status and versions. */
  async list(actor: Actor, incidentId: string): Promise<{ incident: ReportedIncident; items: OwedReport[] }> {
    const incident = await this.read(actor, incidentId);
    const reports = await this.repository.forIncident(incident.id);
    return {
      incident: incidentOf(incident),
      items: owedReports(incident.clocks, reports, this.now()),
    };
  }

  /** One version, of this incident only. */
  async get(actor: Actor, incidentId: string, reportId: string): Promise<StagedReport> {
    const incident = await this.read(actor, incidentId);
    const report = await this.repository.findById(reportId);
    if (!report || report.incidentId !== incident.id) throw new NotFoundError('Staged report');
    return report;
  }

  /**
   * Stores a version of the report owed for `input.obligation` (the occurrence open now, or the one
   * named). The first version of a running or breached clock meets it, at `reportedAt` when the bureau
   * reported it elsewhere first, else now; a revision or a report written after the clock was met by
   * other means (a phone report) meets nothing again.
   * @throws ForbiddenError for anyone but a reporter (the bureau writes its own reports)
   * @throws ConflictError `not_open` when nothing is to be sent for it now, `already_submitted` when
   *   another submission of the same version got there first
   */
  async submit(actor: Actor, incidentId: string, input: SubmissionInput): Promise<StagedReport> {
    if (actor.role !== 'reporter') throw new ForbiddenError('Only the bureau submits its own reports.');
    let occurrence = input.occurrence;
    return readDecideWrite({
      read: async () => {
        const incident = await this.read(actor, incidentId);
        return { incident, reports: await this.repository.forIncident(incident.id) };
      },
      decide: ({ incident, reports }): Decision<OwedReport, never> => {
        const rows = owedReports(incident.clocks, reports, this.now());
        const target = rows.find(
          (row) =>
            row.obligation === input.obligation &&
            row.open &&
            (occurrence === undefined || row.occurrence === occurrence),
        );
        if (!target) {
          const known = rows.some((row) => row.obligation === input.obligation);
          if (!known) throw new NotFoundError('Report owed');
          throw new ConflictError('Nothing is to be sent for this report now.', 'not_open');
        }
        // A retry after a concurrent change stays with the occurrence first chosen.
        occurrence = target.occurrence;
        checkFinal(target.kind, input);
        return { write: target };
      },
      // The first version of an unmet clock meets it on the incident's revision read (a 412 there is a
      // lost race: read and plan again); the version itself is stored by id, once.
      write: async (target, { incident }) => {
        const last = target.versions.at(-1);
        let clock: MetClock;
        if (last) {
          clock = { ...last.clock, metByThisReport: false };
        } else if (target.met) {
          clock = this.clockOf(incident, input.obligation, target.occurrence, false);
        } else {
          let met: WorkflowIncident;
          try {
            met = await this.workflow.obligations.record(actor, incident.id, incident.revision, {
              obligation: input.obligation,
              at: input.reportedAt ?? this.now(),
              ...(input.reference ? { reference: input.reference } : {}),
              note: `Staged report submitted: ${target.name}`,
            });
          } catch (err) {
            if (err instanceof PreconditionFailedError) return null;
            if (err instanceof ValidationError) throw fieldsOf(err);
            throw err;
          }
          clock = this.clockOf(met, input.obligation, target.occurrence, true);
        }
        return this.store(actor, incident, target, (last?.version ?? 0) + 1, clock, input);
      },
      attempts: ATTEMPTS,
      exhausted: () => new ConflictError('The incident is changing too fast; retry.', 'busy'),
    });
  }

  private async store(
    actor: Actor,
    incident: WorkflowIncident,
    target: OwedReport,
    version: number,
    clock: MetClock,
    input: SubmissionInput,
  ): Promise<StagedReport> {
    const final = target.kind === 'final';
    const report: Omit<StagedReport, 'id'> = {
      incidentId: incident.id,
      incidentRef: incident.ref,
      bureauId: incident.bureauId,
      obligation: target.obligation,
      name: target.name,
      ...(target.nameZh !== undefined ? { nameZh: target.nameZh } : {}),
      kind: target.kind,
      occurrence: target.occurrence,
      version,
      whatHappened: input.whatHappened,
      impact: input.impact,
      actionsTaken: input.actionsTaken,
      nextSteps: input.nextSteps ?? null,
      rootCause: final ? (input.rootCause ?? null) : null,
      lessonsLearnt: final ? (input.lessonsLearnt ?? null) : null,
      reportedAt: input.reportedAt ?? null,
      reference: input.reference ?? null,
      submittedAt: this.now(),
      submittedBy: personOf(actor),
      clock,
      state: 'submitted',
      review: null,
    };
    const stored = await this.repository.insert(report, (id) =>
      auditDraft(
        actor,
        'staged_report.submitted',
        { type: 'incident', id: incident.id, ref: incident.ref },
        {
          bureauId: incident.bureauId,
          data: {
            reportId: id,
            obligation: report.obligation,
            occurrence: report.occurrence,
            version,
            reportedAt: report.reportedAt?.toISOString() ?? null,
            reference: report.reference,
            clock: { key: clock.key, late: clock.late, metByThisReport: clock.metByThisReport },
          },
        },
      ),
    );
    if (!stored)
      throw new ConflictError('This report was just submitted by someone else.', 'already_submitted');
    await this.mail(actor, stored, 'submitted');
    return stored;
  }

  /** The occurrence's clock as it stands in `incident` (just met by this report, or before it). */
  private clockOf(
    incident: WorkflowIncident,
    obligation: string,
    occurrence: number,
    metByThisReport: boolean,
  ): MetClock {
    const clock = incident.clocks.find((c) => c.obligation === obligation);
    const o = clock ? occurrencesOf(clock).find((x) => x.occurrence === occurrence) : undefined;
    return {
      key: clock?.key ?? obligation,
      dueAt: o?.dueAt ?? null,
      metAt: o?.metAt ?? null,
      late: o?.state === 'breached' && o.metAt !== null,
      metByThisReport,
    };
  }

  /**
   * The CERT's decision on a version: under review, accepted, or revision requested with a comment
   * the bureau sees. Only a version still waiting may be decided on.
   * @throws ConflictError `already_reviewed` when someone else decided first
   */
  async review(
    actor: Actor,
    incidentId: string,
    reportId: string,
    input: ReviewInput,
  ): Promise<StagedReport> {
    if (actor.role === 'system' || !roleHas(actor.role, 'incident.work'))
      throw new ForbiddenError('Only GovCERT staff review reports.');
    const report = await this.get(actor, incidentId, reportId);
    const comment = input.decision === 'under_review' ? null : (input.comment ?? null);
    const at = this.now();
    const draft = auditDraft(
      actor,
      `staged_report.${input.decision === 'under_review' ? 'review_started' : input.decision}`,
      { type: 'incident', id: report.incidentId, ref: report.incidentRef },
      {
        bureauId: report.bureauId,
        changes: [{ field: 'state', before: report.state, after: input.decision }],
        data: {
          reportId: report.id,
          obligation: report.obligation,
          occurrence: report.occurrence,
          version: report.version,
          comment,
        },
        at,
      },
    );
    const reviewed = await this.repository.review(
      report.id,
      FROM[input.decision],
      { state: input.decision, at, by: personOf(actor), comment },
      draft,
    );
    if (!reviewed)
      throw new ConflictError(
        'This report was reviewed by someone else meanwhile; look at it again.',
        'already_reviewed',
      );
    if (reviewed.state === 'accepted' || reviewed.state === 'revision_requested') {
      await this.mail(actor, reviewed, reviewed.state);
    }
    return reviewed;
  }
}

/** A post-incident or final report is incomplete without the root cause and the lessons learnt. */
function checkFinal(kind: OwedReport['kind'], input: SubmissionInput): void {
  if (kind !== 'final') return;
  const missing = (['rootCause', 'lessonsLearnt'] as const).filter((field) => !input[field]);
  if (missing.length > 0)
    throw new ValidationError(
      missing.map((field) => ({ path: `body.${field}`, message: 'is required in a post-incident report' })),
    );
}

/** The obligation service names the time `body.at`; here it is the report's `reportedAt`. */
function fieldsOf(err: ValidationError): ValidationError {
  return new ValidationError(
    err.problems.map((p) => ({ ...p, path: p.path === 'body.at' ? 'body.reportedAt' : p.path })),
  );
}
