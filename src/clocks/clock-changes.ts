import type { AuditChange } from '../audit/index.js';
import type { IncidentClock } from './clock.types.js';

/** Far-future urgency for incidents without a running clock (triage's: its first decision writes it). */
export { NO_DEADLINE } from '../triage/index.js';

/** Audit changes of clock states between two sets of clocks (`clocks.<key>.state`). */
export function clockChanges(
  before: readonly IncidentClock[],
  after: readonly IncidentClock[],
): AuditChange[] {
  const old = new Map(before.map((clock) => [clock.key, clock]));
  return after
    .filter(
      (clock) =>
        old.get(clock.key)?.state !== clock.state || old.get(clock.key)?.occurrence !== clock.occurrence,
    )
    .map((clock) => ({
      field: `clocks.${clock.key}.state`,
      before: old.get(clock.key)?.state ?? null,
      after: clock.state,
    }));
}
