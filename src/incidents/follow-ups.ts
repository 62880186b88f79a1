import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuditDraft } from '../audit/index.js';
import { ALL_SCOPE, jobIntent, type Actor } from '../platform/index.js';
import { readDecideWrite, type Decision } from '../platform/db/index.js';
import { actorRef } from './incident-intake.service.js';
import { mergeUpdate } from './incident-update.merge.js';
import type { IncidentChange, IncidentRepository } from './incident.repository.js';
import type { IncidentUpdateInput } from './incident.schemas.js';
import {
  CLOSED_STATUSES,
  type ExternalNotified,
  type Incident,
  type IncidentFacts,
  type IncidentUpdate,
} from './incident.types.js';
import type { Indicator } from './indicator.normaliser.js';
import type { TriageRequester } from './triage-request.js';
import type { UpdateRecord, UpdateRecordRepository } from './update-record.repository.js';

/** A follow-up decided on one read of its incident: the record to insert and its audit event. */
export interface PlannedUpdate extends UpdateRecord {
  bureauId: string;
  input: IncidentUpdateInput;
  draft: AuditDraft;
}

/** The history entry of a follow-up, as the API has always shown it. */
export function updateEntry(
  actor: Actor,
  input: IncidentUpdateInput,
  indicatorsAdded: Indicator[],
  material: boolean,
): IncidentUpdate {
  return {
    updateId: randomUUID(),
    at: new Date(),
    by: actorRef(actor),
    note: input.note ?? null,
    facts: Object.fromEntries(
      Object.entries(input).filter(([key]) => !['note', 'indicators', 'externalNotified'].includes(key)),
    ),
    indicatorsAdded,
    externalNotified: input.externalNotified ?? [],
    material,
  };
}

/** Records read past the incident's counter at once: more than a burst of follow-ups ever leaves. */
const PENDING_WINDOW = 20;
/** How often applying is retried when the incident changed under it (the worker wrote, say). */
const APPLY_ATTEMPTS = 8;

/**
 * A stored input is this module's own validated write, read back (dates as dates): checked for its
 * shape before the facts are merged with it, like any other data read from the store.
 */
const storedInput = z.record(z.string(), z.unknown());

/** The write that applies the records after the incident's counter, in order. */
interface Application {
  change: IncidentChange;
  material: boolean;
}

/**
 * The bureau's follow-ups: each is its own record, inserted with its audit event and the `updates`
 * job, then applied to the incident (facts merged, `updateCount` moved) by whoever gets there first:
 * the request that recorded it, or the job when that request died in between. Applying is
 * conditional on the incident's revision and takes the records in number order, so each is merged
 * exactly once.
 */
export class IncidentFollowUps {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly records: UpdateRecordRepository,
    private readonly triage: TriageRequester,
  ) {}

  /** Inserts the planned record; false when its number is taken (another follow-up came first). */
  record(planned: PlannedUpdate): Promise<boolean> {
    const { draft, ...record } = planned;
    const job = jobIntent('updates', `${record.incidentId}-u${record.seq}`, {
      incidentId: record.incidentId,
      seq: record.seq,
    });
    return this.records.insert(record, [draft], [job]);
  }

  /**
   * Applies the incident's recorded follow-ups it has not applied yet and returns it as written (as
   * read when there were none; null when it does not exist). Safe to run twice, or from two processes.
   */
  async apply(incidentId: string): Promise<Incident | null> {
    const outcome = await readDecideWrite({
      read: async () => {
        const incident = await this.incidents.findById(ALL_SCOPE, incidentId);
        if (!incident) return null;
        const pending = await this.records.ranges([
          { incidentId, from: incident.updateCount + 1, to: incident.updateCount + PENDING_WINDOW },
        ]);
        return { incident, pending: pending.get(incidentId) ?? [] };
      },
      decide: (state): Decision<Application, Incident | null> => {
        if (!state) return { done: null };
        const application = applicationOf(state.incident, state.pending);
        return application ? { write: application } : { done: state.incident };
      },
      write: async (application, state) => {
        if (!state) return null;
        const { incident } = state;
        const written = await this.incidents.applyChange(
          ALL_SCOPE,
          incident.id,
          incident.revision,
          application.change,
        );
        return (
          written && {
            written,
            material: application.material,
            round: incident.triageRound + 1,
            more: state.pending.length === PENDING_WINDOW,
          }
        );
      },
      attempts: APPLY_ATTEMPTS,
    });
    if (outcome === null || !('written' in outcome)) return outcome;
    if (outcome.material) await this.triage.request(incidentId, outcome.round, 'updated');
    // A whole window was read (only after a burst): more may wait past it.
    return outcome.more ? this.apply(incidentId) : outcome.written;
  }

  /** The applied follow-ups of each incident, oldest first, in one read for all of them. */
  async historyOf(
    incidents: ReadonlyArray<Pick<Incident, 'id' | 'updateCount'>>,
  ): Promise<Map<string, IncidentUpdate[]>> {
    const wanted = incidents
      .filter((incident) => incident.updateCount > 0)
      .map((incident) => ({ incidentId: incident.id, from: 1, to: incident.updateCount }));
    const records = await this.records.ranges(wanted);
    return new Map([...records].map(([id, list]) => [id, list.map((record) => record.entry)]));
  }
}

/**
 * The one write that applies `pending` (the records numbered after the incident's counter, as read)
 * in order; null when there is nothing to apply. A record stops the run at a gap in the numbers. On
 * an incident closed since the follow-up was checked, its facts are kept in the history only.
 */
function applicationOf(incident: Incident, pending: readonly UpdateRecord[]): Application | null {
  let facts: IncidentFacts = incident.facts;
  let known: Indicator[] = incident.indicators;
  const indicators: Indicator[] = [];
  const externalNotified: ExternalNotified[] = [];
  let material = false;
  let count = incident.updateCount;
  for (const record of pending) {
    if (record.seq !== count + 1) break;
    count = record.seq;
    const input = storedInput.safeParse(record.input);
    if (!input.success || CLOSED_STATUSES.includes(incident.status)) continue;
    const merged = mergeUpdate(facts, known, input.data);
    facts = merged.facts;
    known = [...known, ...merged.newIndicators];
    indicators.push(...merged.newIndicators);
    externalNotified.push(...record.entry.externalNotified);
    material ||= merged.material;
  }
  if (count === incident.updateCount) return null;
  return {
    material,
    change: {
      set: { facts, updateCount: count, ...(material ? { triagePending: true } : {}) },
      push: { indicators, externalNotified },
      inc: material ? { triageRound: 1 } : {},
      // Each record carried its own `incident.updated` event.
      audit: [],
    },
  };
}
