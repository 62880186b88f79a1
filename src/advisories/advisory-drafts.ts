import type { AdvisoryContent, DRAFT_TEMPLATES } from './advisory.schemas.js';

type Template = (typeof DRAFT_TEMPLATES)[number];

/** What each draft template fills in when the author leaves it out. */
export const DRAFT_DEFAULTS: Record<Template, Partial<AdvisoryContent>> = {
  blank: { tlp: 'AMBER', pap: 'AMBER' },
  vulnerability: {
    tlp: 'GREEN',
    pap: 'GREEN',
    title: 'Vulnerability in <product>',
    summary: 'A vulnerability affecting <product> allows <impact>. Exploitation has <not yet> been observed.',
    recommendations: [
      'Apply the vendor update as soon as practicable.',
      'Until patched, apply the vendor mitigation and restrict exposure of the service.',
      'Report any sign of exploitation to GIRO-SO.',
    ],
  },
  'phishing-campaign': {
    tlp: 'AMBER',
    pap: 'AMBER',
    title: 'Phishing campaign targeting government staff',
    summary: 'GovCERT.HK has observed a phishing campaign sending <lure> to government mailboxes.',
    recommendations: [
      'Block the listed sender domains and URLs at the mail gateway and web proxy.',
      'Search mail logs for the indicators and report recipients who clicked to GIRO-SO.',
      'Remind staff not to enter credentials on pages reached from e-mail links.',
    ],
  },
};
