/**
 * Mail throughput: render (messages/s through the TemplateRenderer) and delivery (messages/s through
 * the pooled SMTP transport to a local smtp-server that accepts everything).
 * Run: `npx tsx bench/mail/run.ts [renders] [deliveries]`.
 */
import { performance } from 'node:perf_hooks';
import { TemplateRenderer, createTransport, messageIdFor } from '../../src/mail/index.js';
import { startSmtpServer } from '../../test/helpers/smtp.js';

const renders = Number(process.argv[2] ?? 20_000);
const deliveries = Number(process.argv[3] ?? 2_000);

const advisory = {
  recipientName: 'Duty Officer',
  consoleUrl: 'https://console.example.gov.hk/advisories/1',
  advisory: {
    ref: 'GOVCERT-HK-2026-0001',
    title: 'Critical vulnerability in ExampleVPN gateways',
    tlp: 'AMBER' as const,
    pap: 'GREEN' as const,
    summary: 'A pre-authentication flaw lets attackers run code on the gateway. '.repeat(5),
    recommendations: ['Upgrade to 9.1.4.', 'Review gateway logs.', 'Report exploitation to GIRO-SO.'],
    references: [{ title: 'Vendor bulletin', url: 'https://vendor.example/psirt/2026-01' }],
    affectedSystems: ['ExampleVPN 9.1 before 9.1.4'],
    revision: { number: '2', date: '2026-01-15T02:00:00Z', summary: 'Fixed version confirmed' },
  },
};

const renderer = new TemplateRenderer('templates');
let start = performance.now();
for (let i = 0; i < renders; i++) renderer.render('advisory', { ...advisory, recipientName: `Officer ${i}` });
const renderSeconds = (performance.now() - start) / 1000;
console.log(
  `render: ${renders} advisory mails in ${renderSeconds.toFixed(2)} s = ${Math.round(renders / renderSeconds)} messages/s`,
);

const smtp = await startSmtpServer();
const transport = createTransport({ smtpUrl: smtp.url, outboxDir: '/dev/null' });
const mail = renderer.render('advisory', advisory);
start = performance.now();
await Promise.all(
  Array.from({ length: deliveries }, (_, i) =>
    transport.send({
      from: { address: 'no-reply@govcert.example', name: 'GovCERT.HK' },
      to: [{ address: `officer${i}@bureau.example`, name: `Officer ${i}` }],
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      messageId: messageIdFor(`bench|${i}`, 'govcert.example'),
    }),
  ),
);
const sendSeconds = (performance.now() - start) / 1000;
await smtp.waitFor(() => smtp.received.length === deliveries, 60_000, 'every message');
console.log(
  `deliver: ${deliveries} messages over the pool (5 connections) in ${sendSeconds.toFixed(2)} s = ${Math.round(deliveries / sendSeconds)} messages/s`,
);
transport.close();
await smtp.stop();
