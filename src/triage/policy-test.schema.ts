import { z } from 'zod';
import { TLP_LEVELS } from '../platform/index.js';
import { CHAIN_RECORDS, CLOCK_STARTS, RSIT_CLASSES, SEVERITIES } from './triage-decision.types.js';

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const key = z.string().min(1);
/** A span as the decision holds it: `{ seconds: 3600 }`, `{ businessDays: 5 }`, `{ months: 1 }`. */
const span = z.union([
  z.strictObject({ seconds: z.number() }),
  z.strictObject({ businessDays: z.number() }),
  z.strictObject({ months: z.number() }),
]);
const calendarSpan = z.union([
  z.strictObject({ businessDays: z.number() }),
  z.strictObject({ months: z.number() }),
]);

/** Expected clock: `key` plus any ClockSpec fields to compare (dates as ISO strings). */
const clock = z.strictObject({
  key,
  name: z.string().optional(),
  nameZh: z.string().optional(),
  regime: z.string().optional(),
  obligation: z.string().optional(),
  startsFrom: z.enum([...CLOCK_STARTS, 'met']).optional(),
  after: z
    .strictObject({ obligation: z.string(), record: z.enum(CHAIN_RECORDS) })
    .partial()
    .optional(),
  startsAt: isoDate.optional(),
  durationSeconds: z.number().optional(),
  duration: calendarSpan.optional(),
  warnBeforeSeconds: z.number().optional(),
  warnBefore: calendarSpan.optional(),
  zone: z.string().optional(),
  calendar: z.string().optional(),
  cap: z
    .strictObject({ startsFrom: z.enum(CLOCK_STARTS), after: span, dueAt: isoDate })
    .partial()
    .optional(),
  dueAt: isoDate.optional(),
  warnAt: isoDate.optional(),
  repeat: z
    .strictObject({ everySeconds: z.number(), every: calendarSpan, until: z.string() })
    .partial()
    .optional(),
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
  /** The case must fail to count: text the calendar error contains (a due time past the calendar). */
  error: z.string().min(1).optional(),
});
export type Expectation = z.output<typeof expectationSchema>;

/** Partial incident: merged over the runner's defaults (objects deeply, lists replaced). */
const partialInput = z.record(z.string(), z.unknown());

export const testFileSchema = z.strictObject({
  description: z.string().optional(),
  /** Merged over the built-in defaults for every case of the file. */
  defaults: partialInput.optional(),
  /** Disabled packs switched on for this file's cases (a proposed law tested before it applies). */
  enable: z.array(key).default([]),
  cases: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        /** Triage time; defaults to the runner's fixed time so results never depend on the wall clock. */
        now: isoDate.optional(),
        /** Obligations already recorded as done (`at` with an offset): chained clocks start from them. */
        obligations: z.array(z.strictObject({ obligation: key, at: isoDate })).default([]),
        input: partialInput.default({}),
        expect: expectationSchema,
      }),
    )
    .min(1),
});
export type TestFile = z.output<typeof testFileSchema>;
