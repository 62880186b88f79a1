import type { IncidentClock } from './clock.types.js';
import { isBureauObligation } from './obligation-owner.js';

/**
 * The regulatory clocks an incident cannot be closed with: a report the bureau owes (`report.*`)
 * still running. Closing ends the later repeats of a clock that repeats until closure (interim
 * reports after the first), so those are not owed; the first one is. A breached clock is not listed:
 * its breach stays on record whatever happens next, and marking it not applicable would hide it.
 */
export function owedAtClose(clocks: readonly IncidentClock[]): IncidentClock[] {
  return clocks.filter(
    (clock) =>
      isBureauObligation(clock.obligation) &&
      clock.state === 'running' &&
      !(clock.repeat?.until === 'closed' && clock.occurrence > 0),
  );
}

/**
 * The clocks of a closed incident: each clock named in `notApplicable` becomes `not_applicable` with
 * its reason, and every other clock still running or pending stops as `not_applicable` too (the
 * CERT's own service levels end with the incident; a clock whose start never came never ran), so a
 * closed incident shows no running clock. Met and breached clocks keep their outcome.
 */
export function closeClocks(
  clocks: readonly IncidentClock[],
  notApplicable: ReadonlyMap<string, string>,
  at: Date,
): IncidentClock[] {
  return clocks.map((clock) => {
    if (clock.state !== 'running' && clock.state !== 'pending') return clock;
    const reason = notApplicable.get(clock.key);
    return reason === undefined
      ? { ...clock, state: 'not_applicable' }
      : { ...clock, state: 'not_applicable', notApplicable: { reason, at } };
  });
}
