import { z } from 'zod';
import { TLP_LEVELS } from '../advisories/advisory.types.js';
import { CLOCK_STARTS, RSIT_CLASSES, SEVERITIES } from './triage-decision.types.js';

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const key = z.string().min(1);

/** Expected clock: `key` plus any ClockSpec fields to compare (dates as ISO strings). */
const clock = z.strictObject({
  key,
  name: z.string().optional(),
  regime: z.string().optional(),
  obligation: z.string().optional(),
  startsFrom: z.enum(CLOCK_STARTS).optional(),
  startsAt: isoDate.optional(),
  durationSeconds: z.number().optional(),
  warnBeforeSeconds: z.number().optional(),
  dueAt: isoDate.optional(),
  warnAt: isoDate.optional(),
  repeat: z.strictObject({ everySeconds: z.number(), until: z.string() }).optional(),
});
const notification = z.strictObject({
  key,
  to: z.string().optional(),
  template: z.string().optional(),
  tlp: z.enum(TLP_LEVELS).optional(),
  regime: z.string().optional(),
  mandatory: z.boolean().optional(),
  clock: z.string().optional(),
});
const step = z.strictObject({
  key,
  ladder: z.string().optional(),
  level: z.number().optional(),
  trigger: z.enum(['elapsed', 'clock_breach']).optional(),
  startsFrom: z.enum(CLOCK_STARTS).optional(),
  afterSeconds: z.number().optional(),
  repeatEverySeconds: z.number().optional(),
  notify: z.array(z.string()).optional(),
});

/**
 * Expected decision: only the fields given are compared. `clocks`, `notifications` and `escalation`
 * list every entry the decision must have (exact set, matched by key, partial fields); the `…Include`
 * forms only require the entries listed, the `…Exclude` forms forbid keys. `reasons` are rule ids
 * that must be among the reasons.
 */
export const expectationSchema = z.strictObject({
  severity: z.enum(SEVERITIES).optional(),
  categoryClass: z.enum(RSIT_CLASSES).optional(),
  reportable: z.boolean().optional(),
  queue: z.string().optional(),
  regimes: z.array(z.string()).optional(),
  clocks: z.array(clock).optional(),
  clocksInclude: z.array(clock).optional(),
  clocksExclude: z.array(key).optional(),
  notifications: z.array(notification).optional(),
  notificationsInclude: z.array(notification).optional(),
  notificationsExclude: z.array(key).optional(),
  escalation: z.array(step).optional(),
  reasons: z.array(key).optional(),
  reasonsExclude: z.array(key).optional(),
});
export type Expectation = z.output<typeof expectationSchema>;

/** Partial incident: merged over the runner's defaults (objects deeply, lists replaced). */
const partialInput = z.record(z.string(), z.unknown());

export const testFileSchema = z.strictObject({
  description: z.string().optional(),
  /** Merged over the built-in defaults for every case of the file. */
  defaults: partialInput.optional(),
  cases: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        /** Triage time; defaults to the runner's fixed time so results never depend on the wall clock. */
        now: isoDate.optional(),
        input: partialInput.default({}),
        expect: expectationSchema,
      }),
    )
    .min(1),
});
export type TestFile = z.output<typeof testFileSchema>;
