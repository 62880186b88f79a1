import { scopeOf, type Actor, ConflictError, NotFoundError, ValidationError } from '../platform/index.js';
import { auditDraft } from '../audit/index.js';
import { readDecideWrite, WriteContentionError, type Decision } from '../platform/db/index.js';
import { updateEntry, type IncidentFollowUps, type PlannedUpdate } from './follow-ups.js';
import { mergeUpdate } from './incident-update.merge.js';
import type { IncidentRepository } from './incident.repository.js';
import type { IncidentListQuery, IncidentUpdateInput } from './incident.schemas.js';
import { checkDocumentBudget, checkListLimit } from './incident-limits.js';
import { CLOSED_STATUSES, type Incident, type IncidentFacts } from './incident.types.js';
import { toIncidentView, completeViews, type IncidentView, type ViewLookups } from './incident.view.js';
import { noticeTimeProblems, reportTimeProblems, type ReportTimeBounds } from './report-times.js';

/** A page of the incident list and the cursor of the next one (null on the last page). */
export interface IncidentPage {
  items: IncidentView[];
  nextCursor: string | null;
}

/** How often a follow-up is numbered again when another one took its number first. */
const UPDATE_ATTEMPTS = 5;

function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ b: id })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { b?: unknown };
    if (typeof parsed.b === 'string' && /^[a-f0-9]{24}$/.test(parsed.b)) return parsed.b;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError([{ path: 'query.cursor', message: 'not a cursor this API issued' }]);
}

/** Reading incidents and appending follow-ups; every call is scoped to what the actor may see. */
export class IncidentService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly updates: IncidentFollowUps,
    private readonly timeBounds: ReportTimeBounds,
    private readonly lookups: ViewLookups = {},
  ) {}

  /**
   * The actor's views: the bureau's follow-ups, decisions' reasons and notifications' statuses read
   * from their records.
   */
  private async views(incidents: Incident[], actor: Actor): Promise<IncidentView[]> {
    const history = await this.updates.historyOf(incidents);
    const views = incidents.map((incident) => ({
      ...toIncidentView(incident, actor),
      updates: history.get(incident.id) ?? [],
    }));
    return completeViews(views, this.lookups);
  }

  private async view(incident: Incident, actor: Actor): Promise<IncidentView> {
    const [view] = await this.views([incident], actor);
    return view;
  }

  /** The incident, or 404 when it does not exist or belongs to a bureau the actor cannot see. */
  async get(actor: Actor, id: string): Promise<IncidentView> {
    const incident = await this.incidents.findById(scopeOf(actor), id);
    if (!incident) throw new NotFoundError('Incident');
    return this.view(incident, actor);
  }

  /** Newest first, filtered, one page at a time. */
  async list(actor: Actor, query: IncidentListQuery): Promise<IncidentPage> {
    const filter = {
      status: query.status,
      severity: query.severity,
      category: query.category,
      bureauId: query.bureau,
      reportedFrom: query.reportedFrom,
      reportedTo: query.reportedTo,
      before: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    };
    const found = await this.incidents.list(scopeOf(actor), filter, query.limit + 1);
    const items = found.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: await this.views(items, actor),
      nextCursor: found.length > query.limit && last ? encodeCursor(last.id) : null,
    };
  }

  /** Counts incidents the actor can see (dashboards); the scope applies as it does to the list. */
  count(actor: Actor, query: Omit<IncidentListQuery, 'limit' | 'cursor'> = {}): Promise<number> {
    return this.incidents.count(scopeOf(actor), { ...query, bureauId: query.bureau });
  }

  /**
   * Records a follow-up (its own insert-only record with the `incident.updated` event and the job
   * that applies it), then applies it: facts merged, lists added to. A material change asks for a new
   * triage round (job `<id>-r<n>`). Checked against the incident as read; 409/422 before anything is
   * written.
   */
  async addUpdate(actor: Actor, id: string, input: IncidentUpdateInput): Promise<IncidentView> {
    const scope = scopeOf(actor);
    await readDecideWrite({
      read: async () => {
        const incident = await this.incidents.findById(scope, id);
        if (!incident) throw new NotFoundError('Incident');
        return incident;
      },
      decide: (incident): Decision<PlannedUpdate, never> => ({
        write: this.planUpdate(actor, incident, input),
      }),
      write: async (planned, incident) => {
        if (await this.updates.record(planned)) return true;
        // Another follow-up holds that number: help it land, then number this one after it. Helping
        // may lose its own races; the other follow-up's job lands it anyway, so this one just reads
        // the incident again.
        await this.applyRecorded(incident.id);
        return null;
      },
      attempts: UPDATE_ATTEMPTS,
      exhausted: () =>
        new ConflictError('The incident is changing too fast; retry the update.', 'update_conflict'),
    });
    const applied = (await this.applyRecorded(id)) ?? (await this.incidents.findById(scope, id));
    if (!applied) throw new NotFoundError('Incident');
    return this.view(applied, actor);
  }

  /**
   * Applies the incident's recorded follow-ups; undefined when every attempt lost its race. The records
   * stand and their jobs apply them: an error here would have the client send the follow-up again,
   * and the API would store it twice.
   */
  private async applyRecorded(id: string): Promise<Incident | null | undefined> {
    try {
      return await this.updates.apply(id);
    } catch (err) {
      if (err instanceof WriteContentionError) return undefined;
      throw err;
    }
  }

  /** The follow-up `input` makes on `incident` as read; throws the 409/422 it deserves instead. */
  private planUpdate(actor: Actor, incident: Incident, input: IncidentUpdateInput): PlannedUpdate {
    refuseIfFinal(incident, input);
    const merged = mergeUpdate(incident.facts, incident.indicators, input);
    this.checkTimes(incident, input, merged.facts);
    const entry = updateEntry(actor, input, merged.newIndicators, merged.material);
    const draft = auditDraft(
      actor,
      'incident.updated',
      { type: 'incident', id: incident.id, ref: incident.ref },
      {
        bureauId: incident.bureauId,
        changes: merged.changed,
        data: {
          updateId: entry.updateId,
          material: merged.material,
          indicatorsAdded: merged.newIndicators.length,
          externalNotified: entry.externalNotified.length,
          note: entry.note !== null,
        },
      },
    );
    checkListLimit(incident.ref, 'updates', incident.updateCount, 1);
    checkListLimit(incident.ref, 'indicators', incident.indicators.length, merged.newIndicators.length);
    checkListLimit(
      incident.ref,
      'externalNotified',
      incident.externalNotified.length,
      entry.externalNotified.length,
    );
    checkListLimit(incident.ref, 'contacts', incident.facts.contacts.length, input.contacts?.length ?? 0);
    // The follow-up is its own record: only what it adds to the incident counts against its size, so
    // a note alone is taken on an incident that is full.
    if (Object.keys(input).some((field) => field !== 'note')) {
      checkDocumentBudget(incident.ref, incident, {
        facts: merged.facts,
        indicators: merged.newIndicators,
        externalNotified: entry.externalNotified,
      });
    }
    return {
      incidentId: incident.id,
      bureauId: incident.bureauId,
      seq: incident.updateCount + 1,
      entry,
      input,
      draft,
    };
  }

  /** 422 naming each implausible time a follow-up sends, judged with the times it leaves in place. */
  private checkTimes(incident: Incident, input: IncidentUpdateInput, facts: IncidentFacts): void {
    const sent = new Set(Object.keys(input.times ?? {}));
    const problems = [
      ...(sent.size > 0
        ? reportTimeProblems(facts.times, incident.reportedAt, this.timeBounds, 'body.times', sent)
        : []),
      ...noticeTimeProblems(
        input.externalNotified ?? [],
        incident.reportedAt,
        this.timeBounds,
        'body.externalNotified',
      ),
    ];
    if (problems.length > 0) throw new ValidationError(problems, 'Some report times are not plausible.');
  }
}

/**
 * A closed, rejected or merged incident takes no new facts: they would re-triage it (a rejected S4
 * back to S1) and start clocks on a record that is finished. A note still reaches its history.
 */
function refuseIfFinal(incident: Incident, input: IncidentUpdateInput): void {
  if (!CLOSED_STATUSES.includes(incident.status)) return;
  const fields = Object.keys(input).filter((key) => key !== 'note');
  if (fields.length === 0) return;
  const next =
    incident.status === 'duplicate'
      ? 'Send it to the incident this one was merged into'
      : `File a new report that names ${incident.ref}`;
  throw new ConflictError(
    `Incident ${incident.ref} is ${incident.status} and takes no new facts; only a note can be added. ${next}, or ask GovCERT.`,
    'incident_final',
    { details: { status: incident.status, refused: fields, allowed: ['note'] } },
  );
}
