import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { TemplateDataError, TemplateRenderer } from '../../../src/mail/template-renderer.js';

const renderer = new TemplateRenderer(fileURLToPath(new URL('../../../templates', import.meta.url)));

const acknowledgement = (consoleUrl: string) => ({
  recipientName: 'Ms Chan',
  consoleUrl,
  tlp: 'AMBER' as const,
  incident: {
    ref: 'GIRO-2026-000123',
    title: 'Website defacement',
    summary: 'Home page replaced',
    bureauName: 'Transport Bureau',
    severity: 'S2' as const,
    status: 'triaged',
    category: 'website defacement',
  },
  receivedAt: '2026-11-21T10:04:00Z',
});

describe('console links in mail', () => {
  for (const url of [
    'https://console.example.gov.hk/console/incidents/1',
    'http://127.0.0.1:8080/console/incidents/1',
    'http://localhost:8080/console/incidents/1',
    'http://[::1]:8080/console/incidents/1',
  ]) {
    it(`when the console is at ${url}, then the HTML part links to it`, () => {
      const mail = renderer.render('acknowledgement', acknowledgement(url));
      expect(mail.html).to.contain(`href="${url}"`);
      expect(mail.text).to.contain(url);
    });
  }

  for (const url of [
    'http://console.example.gov.hk/console',
    'http://10.0.0.5:8080/console',
    'javascript:alert(1)',
  ]) {
    it(`when the console address is ${url}, then the mail is refused (no link sent in clear)`, () => {
      expect(() => renderer.render('acknowledgement', acknowledgement(url))).to.throw(
        TemplateDataError,
        /consoleUrl/,
      );
    });
  }
});
