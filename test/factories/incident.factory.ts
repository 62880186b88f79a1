/** A valid report body, as a bureau would send it; override any field. Times default to minutes ago. */
export function reportBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  const iso = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
  return {
    title: 'Ransomware on file server',
    description: 'Files encrypted on the departmental file server; ransom note found.',
    category: 'ransomware',
    times: { occurredAt: iso(90), discoveredAt: iso(60), awareAt: iso(30) },
    system: { tier: 2, criticalEService: false, operatedBy: 'in_house' },
    assetsAffected: ['data', 'software'],
    impact: { confidentiality: 'low', integrity: 'medium', availability: 'high', governmentImage: 'low' },
    functionalImpact: 'medium',
    informationImpact: 'integrity',
    recoverability: 'regular',
    classifiedData: 'none',
    personalDataInvolved: false,
    peopleAffected: { staff: 40, citizens: 0 },
    flags: {
      suspectedCrime: false,
      mediaInterest: false,
      capSerious: false,
      falsePositive: false,
      ransomPaid: false,
    },
    reporter: { name: 'Chan Tai Man', email: 'tm.chan@bureau.gov.hk', phone: '+852 2810 0000' },
    indicators: [
      { type: 'ip', value: '203.0.113.7' },
      { type: 'domain', value: 'Evil.Example.COM' },
    ],
    ...overrides,
  };
}

/** Indicators unique to one test, so matching across tests on the shared database never interferes. */
export function uniqueIndicator(): { type: string; value: string } {
  return {
    type: 'hash',
    value: [...crypto.getRandomValues(new Uint8Array(32))]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join(''),
  };
}
