/**
 * Who owes an obligation, read from its name: `report.*` are the reports a bureau owes a regulator or
 * GIRO-SO (`report.giro.initial`, `report.cap653.written`); every other obligation is the CERT's own
 * service level (`incident.acknowledge`, `incident.contain`), which a bureau is not shown.
 */
export function isBureauObligation(obligation: string): boolean {
  return obligation.startsWith('report.');
}
