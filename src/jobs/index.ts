import { z } from 'zod';

const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be an ObjectId');

/**
 * Every queue and the payload its jobs carry. Payloads are ids only: the worker reloads the state from
 * MongoDB, so a job holds no incident content and running it twice finds the work already done.
 */
export const JOB_PAYLOADS = {
  /**
   * Evaluate the active policy against an incident. Job id: `<incidentId>`, `<incidentId>-r<n>`, or
   * `<incidentId>-c<window>` for the rate-bounded re-triage another bureau's campaign link asks for.
   */
  triage: z.strictObject({
    incidentId: objectId,
    reason: z.enum(['reported', 'updated', 'reconcile', 'campaign']),
  }),
  /**
   * A clock's warning or due time. Job id: `<incidentId>-<clockKey>-<kind>-<epochMs>`. Kind `sync`
   * (clock key `all`, `at` the decision time; id `<incidentId>-sync-<revision>`) brings the clocks in
   * line with a new triage decision; the triage write records it in the incident's job outbox.
   */
  clocks: z.strictObject({
    incidentId: objectId,
    clockKey: z.string().min(1).max(100),
    kind: z.enum(['warning', 'due', 'repeat', 'escalation', 'sync']),
    at: z.number().int(),
  }),
  /**
   * Request the notifications a triage decision calls for (idempotent by each notification's key).
   * Job id: `<incidentId>-n<revision>` (the revision the triage write that records it produces).
   */
  dispatch: z.strictObject({
    incidentId: objectId,
    round: z.number().int().min(0),
    // The decision whose owed notifications to request; absent on jobs a version before recorded
    // (the dispatch then reads the incident for the decision in force).
    decisionId: z.string().min(1).max(80).optional(),
  }),
  /**
   * Apply an incident's recorded follow-ups to it (any not applied yet; the `seq` named is the
   * record that asked). Job id: `<incidentId>-u<seq>`, recorded with the follow-up's record.
   */
  updates: z.strictObject({
    incidentId: objectId,
    seq: z.number().int().min(1),
  }),
  /** Deliver one stored notification or advisory mail. Job id: `<notificationId>`. */
  notifications: z.strictObject({ notificationId: objectId }),
  /** Produce one stored export. Job id: `<exportId>`. */
  exports: z.strictObject({ exportId: objectId }),
  /**
   * Forget the verified API keys cached so far (see `VerifiedKeyCache`): recorded by the write that
   * disables or enables a user or revokes a key, for when the request could not tell Redis itself.
   * Job id: `forget-keys-<user|key>-<id>-<epochMs>`.
   */
  auth: z.strictObject({
    cause: z.enum(['user', 'key']),
    id: z.string().min(1).max(100),
  }),
  /** Platform self-test: a round trip through a worker (health checks and tests). */
  echo: z.strictObject({
    value: z.string().max(200),
    sleepMs: z.number().int().min(0).max(60_000).default(0),
  }),
} as const;

export type QueueName = keyof typeof JOB_PAYLOADS;
export type JobPayload<Q extends QueueName> = z.output<(typeof JOB_PAYLOADS)[Q]>;
export const QUEUE_NAMES = Object.keys(JOB_PAYLOADS) as QueueName[];
