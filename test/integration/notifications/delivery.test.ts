import { expect } from 'chai';
import { ledgerKey } from '../../../src/notifications/index.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { waitFor } from '../../helpers/wait.js';
import { alertData, recipient, tester, waitForDelivery } from './notification-fixture.js';

describe('notification delivery over SMTP', function () {
  this.timeout(60_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;

  before(async () => {
    smtp = await startSmtpServer();
    runtime = await startTestRuntime('notify', { SMTP_URL: smtp.url });
  });
  after(async () => {
    await runtime.stop();
    await smtp.stop();
  });

  const send = async (to = recipient(), data = alertData()) => {
    const record = await runtime.modules.notifications.notifications.request(tester, {
      kind: 'escalation',
      template: 'escalation-alert',
      recipients: [to],
      data,
    });
    return { record, to, key: ledgerKey('escalation', record.id, to.address, 0) };
  };

  it('when a notification is requested, then the HTML and text parts carry the content and the TLP label', async () => {
    const { to, key } = await send();
    const row = await waitForDelivery(runtime, key, (r) => r.status === 'sent');
    const [mail] = smtp.to(to.address);
    expect(mail).to.exist;
    expect(mail.parsed.subject).to.match(/^\[TLP:AMBER\] /);
    expect(mail.parsed.text).to.contain('TLP:AMBER').and.to.contain('Ransomware at the file server');
    expect(mail.parsed.text!.indexOf('TLP:AMBER')).to.be.lessThan(mail.parsed.text!.indexOf('Ransomware'));
    expect(mail.parsed.html).to.contain('TLP:AMBER').and.to.contain('Ransomware at the file server');
    expect(mail.parsed.messageId).to.equal(row.messageId);
    expect(row.attempts).to.equal(1);
    expect(row.response).to.match(/^250/);
  });

  it('when names, titles and addresses carry CR/LF and header text, then no extra header appears', async () => {
    const to = recipient('Ops\r\nBcc: thief@evil.example');
    const { key } = await send(to, alertData('Outage\r\nBcc: thief@evil.example\r\nX-Injected: yes'));
    await waitForDelivery(runtime, key, (r) => r.status === 'sent');
    const [mail] = smtp.to(to.address);
    const headers = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
    expect(headers).not.to.match(/^(Bcc|X-Injected):/im);
    expect(mail.parsed.headers.has('x-injected')).to.equal(false);
    expect(mail.to).to.deep.equal([to.address]);
    expect(mail.parsed.subject).to.contain('Outage Bcc: thief@evil.example X-Injected: yes');
  });

  it('when an address carries CR/LF, then the delivery fails before anything is sent', async () => {
    const to = recipient('Bad', { address: 'ops@partner.example\r\nBcc: thief@evil.example' });
    const { key } = await send(to);
    const row = await waitForDelivery(runtime, key, (r) => r.status === 'failed');
    expect(row.lastError).to.match(/not a safe e-mail address/);
    expect(smtp.received.filter((m) => m.to.includes('thief@evil.example'))).to.have.length(0);
  });

  for (const [where, code] of [
    ['RCPT', 421],
    ['RCPT', 451],
    ['DATA', 451],
  ] as const) {
    it(`when the server answers ${code} at ${where}, then the mail is retried and delivered once`, async () => {
      const to = recipient();
      if (where === 'RCPT') smtp.failRcpt(to.address, { code });
      else smtp.failData(to.address, { code });
      const { key } = await send(to);
      const row = await waitForDelivery(runtime, key, (r) => r.status === 'sent');
      expect(row.attempts).to.equal(2);
      expect(smtp.to(to.address)).to.have.length(1);
    });
  }

  it('when the server answers 550, then the delivery is failed with the reason and nothing is delivered', async () => {
    const to = recipient();
    smtp.failRcpt(to.address, { code: 550, message: 'No such user here' });
    const { record, key } = await send(to);
    const row = await waitForDelivery(runtime, key, (r) => r.status === 'failed');
    expect(row.lastError).to.contain('550').and.to.contain('No such user here');
    expect(row.attempts).to.equal(1);
    expect(smtp.to(to.address)).to.have.length(0);
    const stored = await waitForStatus(record.id, 'failed');
    expect(stored).to.equal('failed');
  });

  it('when the server drops the connection after DATA, then the mail is retried and delivered', async () => {
    const to = recipient();
    smtp.failData(to.address, { drop: true });
    const before = smtp.dataAttempts;
    const { key } = await send(to);
    const row = await waitForDelivery(runtime, key, (r) => r.status === 'sent');
    expect(row.attempts).to.equal(2);
    expect(smtp.dataAttempts - before).to.equal(2);
    expect(smtp.to(to.address)).to.have.length(1);
  });

  it('when a delivered notification job runs again, then nothing is sent twice', async () => {
    const { record, to, key } = await send();
    await waitForDelivery(runtime, key, (r) => r.status === 'sent');
    const queue = runtime.platform.queues.queue('notifications');
    await waitForJob(record.id, 'completed');
    await (await queue.getJob(record.id))!.remove();
    await runtime.modules.notifications.notifications.enqueue(record.id);
    await waitForJob(record.id, 'completed');
    expect(smtp.to(to.address)).to.have.length(1);
    const row = await runtime.modules.notifications.deliveries.find(key);
    expect(row!.attempts).to.equal(1);
  });

  async function waitForJob(id: string, state: string): Promise<void> {
    const queue = runtime.platform.queues.queue('notifications');
    const seen = await waitFor(
      async () => (await queue.getJob(id))?.getState(),
      (now) => now === state,
      30_000,
    );
    expect(seen, `job ${id}`).to.equal(state);
  }

  async function waitForStatus(id: string, status: string): Promise<string> {
    const record = await waitFor(
      () => runtime.modules.notifications.notifications.find(id),
      (now) => now?.status === status,
      30_000,
    );
    expect(record?.status, `notification ${id}`).to.equal(status);
    return status;
  }
});
