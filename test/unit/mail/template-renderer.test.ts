import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { TLP_LEVELS, type TlpLevel } from '../../../src/advisories/advisory.types.js';
import { TEMPLATE_SCHEMAS, type TemplateInput, type TemplateName } from '../../../src/mail/template-data.js';
import { TemplateDataError, TemplateRenderer } from '../../../src/mail/template-renderer.js';
import { loadPolicy } from '../../../src/triage/index.js';

const templatesDir = fileURLToPath(new URL('../../../templates', import.meta.url));
const renderer = new TemplateRenderer(templatesDir);

const incident = {
  ref: 'GIRO-2026-000123',
  title: 'Website defacement <script>alert(1)</script>',
  summary: 'Home page replaced & "signed" by a group',
  bureauName: 'Transport Bureau',
  severity: 'S2' as const,
  status: 'triaged',
  category: 'website defacement',
};
const clock = { name: 'Preliminary written report', regime: 'HK-GOV', dueAt: '2026-11-23T10:04:00Z' };
const base = {
  recipientName: 'Ms Chan',
  consoleUrl: 'https://console.example.gov.hk/incidents/123',
  tlp: 'AMBER' as const,
};

/** The incident as a party outside the CERT may see it. */
const partyIncident = {
  ref: 'GIRO-2026-000123',
  bureauName: 'Transport Bureau',
  category: 'website_defacement',
  times: {
    occurredAt: '2026-11-21T08:30:00Z',
    discoveredAt: '2026-11-21T09:00:00Z',
    awareAt: '2026-11-21T09:30:00Z',
    reportedAt: '2026-11-21T10:04:00Z',
  },
};
const party = {
  recipientName: 'Duty Officer',
  tlp: 'AMBER' as const,
  incident: partyIncident,
  deadline: {
    name: 'Report a serious incident to the Commissioner',
    regime: 'HK-CI',
    dueAt: '2026-11-21T21:30:00Z',
  },
};
/** Mail templates of parties outside the CERT, as the installed policy packs route them. */
const PARTY_TEMPLATES = [
  'giro-initial-report',
  'police-report',
  'pcpd-data-breach',
  'cap653-incident-report',
  'nis2-early-warning',
  'gdpr-breach-notification',
  'director-report',
] as const;

const samples: { [N in TemplateName]: TemplateInput<N> } = {
  acknowledgement: { ...base, incident, receivedAt: '2026-11-21T10:04:00Z' },
  'triage-result': {
    ...base,
    incident,
    decision: { severity: 'S2', queue: 'web', reportable: true, reasons: ['category: defacement'] },
    policyVersion: 'sha256:abc',
  },
  'escalation-alert': { ...base, incident, tier: 2, reason: 'Not acknowledged within 30 min', clock },
  'clock-warning': { ...base, incident, clock: { ...clock, warnAt: '2026-11-23T08:04:00Z' } },
  'breach-notice': { ...base, incident, clock, breachedAt: '2026-11-23T10:05:00Z' },
  advisory: {
    recipientName: 'ISIRT Commander',
    consoleUrl: 'https://console.example.gov.hk/advisories/12',
    advisory: {
      ref: 'GOVCERT-HK-2026-0012',
      title: 'Phishing campaign',
      tlp: 'AMBER+STRICT',
      pap: 'GREEN',
      summary: 'Credential harvesting.',
      recommendations: ['Block the domains'],
      references: [
        { title: 'HKCERT', url: 'https://www.hkcert.org/x' },
        { title: 'Trap', url: 'javascript:alert(1)' },
      ],
      affectedSystems: ['Government e-mail'],
      indicators: [
        { type: 'url', value: 'https://login.evil.example/owa', description: 'phishing page' },
        { type: 'email', value: 'it-support@evil.example' },
        { type: 'ipv4', value: '198.51.100.23', description: 'mail relay <b>' },
        { type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      ],
      revision: { number: '1', date: '2026-11-21T10:04:00Z', summary: 'Initial version' },
    },
  },
  'status-update': {
    ...base,
    incident: { ...incident, status: 'contained' },
    previousStatus: 'investigating',
    update: { summary: 'Server isolated.', at: '2026-11-21T12:00:00Z', by: 'Responder Lee' },
  },
  'daily-digest': {
    ...base,
    tlp: null,
    day: '2026-11-21',
    counts: { open: 1, breached: 0, dueToday: 1 },
    items: [{ incident, clock }],
  },
  'incident-message': {
    ...base,
    incident,
    message: { side: 'bureau', from: 'Ms Chan', at: '2026-11-21T12:00:00Z' },
  },
  'staged-report': {
    ...base,
    incident,
    report: {
      event: 'revision_requested',
      name: 'Preliminary written report to GIRO-SO',
      nameZh: '致 GIRO-SO 的初步書面報告',
      version: 1,
      from: 'GovCERT.HK',
      at: '2026-11-21T12:00:00Z',
    },
  },
  'giro-initial-report': {
    ...party,
    deadline: { ...party.deadline, name: 'Initial (phone) report to GIRO-SO' },
  },
  'police-report': { ...party, deadline: null },
  'pcpd-data-breach': { ...party, deadline: null },
  'cap653-incident-report': party,
  'nis2-early-warning': { ...party, deadline: { ...party.deadline, name: 'Early warning', regime: 'NIS2' } },
  'gdpr-breach-notification': { ...party, deadline: null },
  'director-report': {
    ...party,
    tlp: 'AMBER+STRICT',
    deadline: null,
    incident: { ...partyIncident, title: incident.title, summary: incident.summary },
  },
};

/** Everything the composer loads for an incident mail, the CERT's internal facts included. */
const internalContext = {
  recipientName: 'Duty Officer',
  consoleUrl: 'https://console.example.gov.hk/incidents/65a1b2c3d4e5f60718293a4b',
  tlp: 'AMBER',
  incident: { ...incident, times: partyIncident.times },
  receivedAt: '2026-11-21T10:04:00Z',
  decision: {
    severity: 'S2',
    queue: 'cert-web-team',
    reportable: true,
    reasons: ['Acknowledge the incident: 30m from triaged', 'Contain the incident: 24h from reported'],
  },
  policyVersion: 'sha256:0123456789abcdef',
  deadline: party.deadline,
};

/** WCAG 2.x relative luminance of `#RRGGBB`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.x contrast ratio of two `#RRGGBB` colours. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Foreground and background of the rendered TLP banner, from its inline style. */
function bannerColours(html: string): { label: string; color: string; background: string } {
  const banner = /<p class="tlp-banner"[^>]*style="([^"]*)"[^>]*>([^<]*)<\/p>/.exec(html);
  if (!banner) throw new Error('no TLP banner in the HTML part');
  const style = banner[1];
  const colour = (property: string): string => {
    const match = new RegExp(`(?:^|;)\\s*${property}\\s*:\\s*(#[0-9a-fA-F]{6})\\s*(?:;|$)`).exec(style);
    if (!match?.[1]) throw new Error(`the banner sets no ${property} as #RRGGBB: ${style}`);
    return match[1].toUpperCase();
  };
  return { label: banner[2], color: colour('color'), background: colour('background(?:-color)?') };
}

/** FIRST TLP 2.0: each label's colour, always on black. */
const TLP_2_COLOURS: Record<TlpLevel, string> = {
  RED: '#FF2B2B',
  'AMBER+STRICT': '#FFC000',
  AMBER: '#FFC000',
  GREEN: '#33FF00',
  CLEAR: '#FFFFFF',
};

describe('TemplateRenderer', () => {
  for (const name of Object.keys(samples) as TemplateName[]) {
    it(`when "${name}" is rendered with valid data, then subject, HTML and text come out`, () => {
      const mail = renderer.render(name, samples[name]);
      expect(mail.subject).to.not.match(/[\r\n]/);
      expect(mail.html).to.match(/^<!DOCTYPE html>/);
      expect(mail.text.trim()).to.not.equal('');
      if (mail.tlp !== null) {
        const label = `TLP:${mail.tlp}`;
        expect(mail.subject.startsWith(`[${label}] `)).to.equal(true);
        expect(mail.text.trimStart().startsWith(label)).to.equal(true);
        expect(mail.html.indexOf(label)).to.be.greaterThan(-1);
        expect(mail.html.indexOf(label, mail.html.indexOf('<body'))).to.be.lessThan(
          mail.html.indexOf('<main>'),
        );
      }
    });
  }

  it('when incident data holds HTML, then the HTML part escapes it and the text part keeps it plain', () => {
    const mail = renderer.render('acknowledgement', samples.acknowledgement);
    expect(mail.html).to.not.include('<script>');
    expect(mail.html).to.include('&lt;script&gt;');
    expect(mail.html).to.include('&amp; &quot;signed&quot;');
    expect(mail.text).to.include('Home page replaced & "signed"');
  });

  it('when a staged report mail is rendered, then its English half names the report in English and its Chinese half in Chinese', () => {
    const mail = renderer.render('staged-report', samples['staged-report']);
    for (const part of [mail.text, mail.html]) {
      expect(part).to.include('revision of your Preliminary written report to GIRO-SO');
      expect(part).to.include('提交的致 GIRO-SO 的初步書面報告（第 1 版）');
    }
  });

  it('when times are shown, then they are in HKT and UTC', () => {
    const mail = renderer.render('acknowledgement', samples.acknowledgement);
    expect(mail.text).to.include('2026-11-21 18:04 HKT');
    expect(mail.text).to.include('2026-11-21T10:04:00Z');
  });

  it('when a reference is not https, then it is not a link', () => {
    const mail = renderer.render('advisory', samples.advisory);
    expect(mail.html).to.include('<a href="https://www.hkcert.org/x">HKCERT</a>');
    expect(mail.html).to.not.match(/href="javascript/);
    expect(mail.html).to.include('Trap (javascript:alert(1))');
    expect(mail.subject).to.equal('[TLP:AMBER+STRICT] GOVCERT-HK-2026-0012: Phishing campaign');
  });

  it('when data carries CR/LF or control characters, then the subject stays one line', () => {
    const evil = { ...incident, ref: 'GIRO-1', title: 'A\r\nBcc: victim@example.com\u0000\u0085x' };
    const mail = renderer.render('acknowledgement', { ...samples.acknowledgement, incident: evil });
    expect(mail.subject).to.equal('[TLP:AMBER] Report received: GIRO-1 A Bcc: victim@example.com x');
  });

  it('when the message has no TLP, then the subject and body carry no label', () => {
    const mail = renderer.render('daily-digest', samples['daily-digest']);
    expect(mail.subject).to.match(/^Daily digest 2026-11-21/);
    expect(mail.text).to.not.include('TLP:');
  });

  it('when a field is missing, then the error names the template and the field', () => {
    const { receivedAt: _r, ...data } = samples.acknowledgement;
    expect(() => renderer.render('acknowledgement', data as never))
      .to.throw(TemplateDataError)
      .with.property('message')
      .that.matches(/template "acknowledgement".*receivedAt/);
  });

  it('when the console URL is not https, then the data is refused', () => {
    const data = { ...samples.acknowledgement, consoleUrl: 'http://console.example' };
    expect(() => renderer.render('acknowledgement', data)).to.throw(TemplateDataError, /consoleUrl/);
  });

  for (const name of PARTY_TEMPLATES) {
    it(`when "${name}" goes to a party outside the CERT, then it shows what the party may see and none of the CERT's internals`, () => {
      const mail = renderer.render(name, internalContext as never);
      for (const part of [mail.subject, mail.html, mail.text]) {
        expect(part).to.not.include('cert-web-team');
        expect(part).to.not.include('sha256:');
        expect(part).to.not.include('Acknowledge the incident');
        expect(part).to.not.include('Contain the incident');
        expect(part).to.not.include('console.example.gov.hk');
        expect(part).to.not.match(/\bS2\b/);
      }
      for (const part of [mail.html, mail.text]) {
        expect(part).to.include('GIRO-2026-000123').and.to.include('Transport Bureau');
        expect(part).to.include('website defacement').and.to.include('2026-11-21 17:30 HKT');
        expect(part).to.include('Report a serious incident to the Commissioner');
        expect(part).to.match(/what we ask of you/i);
      }
      expect(mail.subject.startsWith('[TLP:AMBER] ')).to.equal(true);
      expect(mail.text.trimStart().startsWith('TLP:AMBER')).to.equal(true);
      if (name === 'director-report') {
        expect(mail.text).to.include('Home page replaced & "signed"');
      } else {
        for (const part of [mail.subject, mail.html, mail.text]) {
          expect(part).to.not.include('Website defacement');
          expect(part).to.not.include('Home page replaced');
        }
      }
    });
  }

  it('when a party outside the CERT would get a mail without a TLP, then the data is refused', () => {
    const { tlp: _t, ...data } = samples['police-report'];
    expect(() => renderer.render('police-report', data as never)).to.throw(TemplateDataError, /tlp/);
  });

  it('when the installed policy packs route notifications, then each names a mail template, and outside parties never get the internal triage mail', () => {
    const internal: string[] = [
      'triage-result',
      'escalation-alert',
      'clock-warning',
      'breach-notice',
      'daily-digest',
    ];
    for (const dir of ['policies', 'test/fixtures/policies-fast']) {
      for (const pack of loadPolicy(dir).packs) {
        for (const route of pack.notifications) {
          const template = route.template === 'incident-acknowledgement' ? 'acknowledgement' : route.template;
          const where = `${dir} ${pack.id}/${route.id}`;
          expect(Object.hasOwn(TEMPLATE_SCHEMAS, template), `${where}: ${template}`).to.equal(true);
          expect(internal, where).to.not.include(template);
        }
      }
    }
  });

  it('when an advisory lists indicators, then both parts show them defanged, escaped in HTML', () => {
    const mail = renderer.render('advisory', samples.advisory);
    for (const part of [mail.html, mail.text]) {
      expect(part).to.include('hxxps://login[.]evil[.]example/owa');
      expect(part).to.include('it-support[@]evil[.]example');
      expect(part).to.include('198[.]51[.]100[.]23');
      expect(part).to.include('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(part).to.include('phishing page');
      expect(part).to.not.include('https://login.evil.example');
    }
    expect(mail.html).to.include('mail relay &lt;b&gt;');
    expect(mail.text).to.include('mail relay <b>');
  });

  for (const level of TLP_LEVELS) {
    it(`when a TLP:${level} banner is rendered, then it is the TLP 2.0 colour on black with a contrast of at least 4.5:1`, () => {
      const mail = renderer.render('acknowledgement', { ...samples.acknowledgement, tlp: level });
      const banner = bannerColours(mail.html);
      expect(banner.label).to.equal(`TLP:${level}`);
      expect(banner.background).to.equal('#000000');
      expect(banner.color).to.equal(TLP_2_COLOURS[level]);
      expect(contrast(banner.color, banner.background)).to.be.at.least(4.5);
    });
  }

  it('when templates are inspected, then none uses triple-stash', () => {
    const dirs = ['email', 'layouts', 'partials'].map((d) => join(templatesDir, d));
    const files = dirs.flatMap((d) =>
      readdirSync(d, { recursive: true, encoding: 'utf8' }).map((f) => join(d, f)),
    );
    for (const file of files.filter((f) => f.endsWith('.hbs'))) {
      expect(readFileSync(file, 'utf8'), file).to.not.include('{{{');
    }
  });
});
