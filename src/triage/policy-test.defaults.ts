/** Fixed triage time for test cases (a Monday), so results never depend on the wall clock. */
export const DEFAULT_TEST_NOW = '2026-03-02T09:05:00Z';

/**
 * A quiet, HK-GOV-only, reportable incident with no impact, which each case adjusts. Dates are
 * strings because they are merged with YAML content before validation.
 */
export const DEFAULT_TEST_INPUT: Readonly<Record<string, unknown>> = {
  bureauId: 'TEST',
  bureauRegimes: ['HK-GOV'],
  regimes: [],
  category: 'other',
  times: { awareAt: '2026-03-02T08:30:00Z', reportedAt: '2026-03-02T09:00:00Z' },
  system: { tier: 1, criticalEService: false, operatedBy: 'in_house' },
  assetsAffected: [],
  impact: { confidentiality: 'none', integrity: 'none', availability: 'none', governmentImage: 'none' },
  functionalImpact: 'none',
  informationImpact: 'none',
  recoverability: 'regular',
  classifiedData: 'none',
  personalDataInvolved: false,
  peopleAffected: { staff: 0, citizens: 0 },
  flags: {
    suspectedCrime: false,
    mediaInterest: false,
    capSerious: false,
    falsePositive: false,
    ransomPaid: false,
  },
  relatedBureauxCount: 0,
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge of plain objects; lists and scalars of `over` replace those of `base`; `null` removes. */
export function mergeInput(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>) {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isRecord(b) && isRecord(v) ? mergeInput(b, v) : v;
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== null));
}
