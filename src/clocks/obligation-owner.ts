/**
 * Who owes an obligation, read from its name: `report.*` are the reports a bureau owes a regulator or
 * GIRO-SO (`report.giro.initial`, `report.cap653.written`); every other obligation is the CERT's own
 * service level (`incident.acknowledge`, `incident.contain`), which a bureau is not shown.
 */
export function isBureauObligation(obligation: string): boolean {
  return obligation.startsWith('report.');
}

/**
 * The CERT's service levels that its own actions meet, by the state the incident enters: the clock
 * and the incident's state then always agree (an incident is never "contained" on paper only).
 */
export const MET_BY_STATE = {
  acknowledged: 'incident.acknowledge',
  contained: 'incident.contain',
} as const;

/** The state whose transition meets `obligation`, when an action (not a record) meets it. */
export function metByAction(obligation: string): keyof typeof MET_BY_STATE | undefined {
  const states = Object.keys(MET_BY_STATE) as Array<keyof typeof MET_BY_STATE>;
  return states.find((state) => MET_BY_STATE[state] === obligation);
}

/**
 * Whether a caller may record `obligation` as done (`POST …/obligations`): a bureau only the reports
 * it owes; CERT staff any obligation an action of theirs does not meet.
 */
export function recordableBy(caller: 'bureau' | 'cert', obligation: string): boolean {
  if (caller === 'bureau') return isBureauObligation(obligation);
  return metByAction(obligation) === undefined;
}
