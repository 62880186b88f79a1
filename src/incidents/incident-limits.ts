import { mongoose } from '../platform/db/index.js';
import { ConflictError } from '../platform/index.js';

/**
 * The most entries each growing list of an incident document holds. A follow-up, note or record past
 * one is refused (409 `incident_limit`), never silently dropped: the bureau files a new report naming
 * this one. Lists the system grows by itself are bounded where they grow (clock escalations and
 * history in `src/clocks`, notifications by the policy's keys).
 */
export const INCIDENT_LIMITS = {
  updates: 200,
  indicators: 5000,
  externalNotified: 200,
  contacts: 50,
  notes: 1000,
  tasks: 500,
  links: 200,
  merged: 500,
  obligations: 500,
} as const;
export type LimitedList = keyof typeof INCIDENT_LIMITS;

/**
 * Largest size, in BSON bytes, user writes may grow an incident document to: half of MongoDB's 16 MB
 * limit, so the system's own writes (clock progress, audit outbox) always fit after it.
 */
export const MAX_INCIDENT_BYTES = 8 * 1024 * 1024;

const refuse = (ref: string, message: string, details: Record<string, unknown>): never => {
  throw new ConflictError(
    `${message} File a new report that names ${ref}, or ask GovCERT to continue the record there.`,
    'incident_limit',
    { details },
  );
};

/** 409 when adding `adding` entries to `list` (holding `current`) would pass its limit. */
export function checkListLimit(ref: string, list: LimitedList, current: number, adding: number): void {
  const limit = INCIDENT_LIMITS[list];
  if (adding === 0 || current + adding <= limit) return;
  refuse(ref, `Incident ${ref} can hold at most ${limit} ${list} (it has ${current}).`, {
    field: list,
    limit,
    current,
  });
}

/** 409 when the document plus what a write adds would pass {@link MAX_INCIDENT_BYTES}. */
export function checkDocumentBudget(ref: string, document: object, additions: object): void {
  const { calculateObjectSize } = mongoose.mongo.BSON;
  const bytes = calculateObjectSize(document) + calculateObjectSize(additions);
  if (bytes <= MAX_INCIDENT_BYTES) return;
  refuse(ref, `Incident ${ref} has reached the size an incident record may have.`, {
    field: 'document',
    limit: MAX_INCIDENT_BYTES,
  });
}
