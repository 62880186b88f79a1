import { expect } from 'chai';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { auditDraft } from '../../../src/audit/index.js';
import { ledgerKey, type MailDelivery } from '../../../src/notifications/index.js';
import { createRedis, startWorker } from '../../../src/platform/queue/index.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { alertData, recipient, tester, waitForDelivery } from './notification-fixture.js';

describe('notification delivery under a claim lease', function () {
  this.timeout(60_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;
  let worker: { worker: Worker; connection: Redis } | null = null;

  before(async () => {
    smtp = await startSmtpServer();
    // No workers: each test arranges the ledger row first, then starts the notifications worker.
    runtime = await startTestRuntime('lease', { SMTP_URL: smtp.url, RUN_WORKERS: 'false' });
  });
  afterEach(async () => {
    if (worker) {
      await worker.worker.close();
      worker.connection.disconnect();
      worker = null;
    }
  });
  after(async () => {
    await runtime.stop();
    await smtp.stop();
  });

  function startNotificationWorker(): void {
    const { config, logger, metrics } = runtime.platform;
    const spec = runtime.modules.workers.find((w) => w.queue === 'notifications');
    if (!spec || config.REDIS_URL === undefined) throw new Error('no notifications worker');
    const connection = createRedis(config.REDIS_URL, 'worker', logger);
    worker = {
      worker: startWorker(spec, { connection, prefix: config.REDIS_PREFIX, logger, metrics }),
      connection,
    };
  }

  /** A stored notification to one recipient, its job waiting, its ledger row queued. */
  async function request() {
    const to = recipient();
    const record = await runtime.modules.notifications.notifications.request(tester, {
      kind: 'escalation',
      template: 'escalation-alert',
      recipients: [to],
      data: alertData(),
    });
    return { record, key: ledgerKey('escalation', record.id, to.address, 0) };
  }

  /** Claims the row as another run would, holding it for `leaseMs`. */
  async function claimAs(key: string, notificationId: string, leaseMs: number): Promise<MailDelivery> {
    const draft = auditDraft(tester, 'mail.attempt', { type: 'notification', id: notificationId });
    const claimed = await runtime.modules.notifications.deliveries.claim(key, notificationId, leaseMs, draft);
    if (!claimed) throw new Error(`could not claim ${key}`);
    return claimed;
  }

  const messagesWith = (messageId: string) => smtp.received.filter((m) => m.parsed.messageId === messageId);

  /** Polls the job until it leaves `waiting` and `active`; returns that state. */
  async function settledState(id: string): Promise<string> {
    const queue = runtime.platform.queues.queue('notifications');
    for (let i = 0; i < 300; i++) {
      const state = await (await queue.getJob(id))?.getState();
      if (state !== undefined && state !== 'waiting' && state !== 'active') return state;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${id} never left waiting/active`);
  }

  it('when a re-run of the notification finds its row sending under a live lease, then it sends nothing and waits for the lease', async () => {
    const { record, key } = await request();
    // The first run claimed the row and is paused (SIGSTOP past the job lock): same notification id.
    const held = await claimAs(key, record.id, 10 * 60_000);
    startNotificationWorker();

    expect(await settledState(record.id), 'neither completed nor failed').to.equal('delayed');
    const job = await runtime.platform.queues.queue('notifications').getJob(record.id);
    expect(job!.attemptsMade, 'waiting for a lease is not a failed attempt').to.equal(0);
    expect(messagesWith(held.messageId)).to.have.length(0);
    const row = await runtime.modules.notifications.deliveries.find(key);
    expect(row).to.include({ status: 'sending', attempts: 1 });

    // The holder died after all and its lease ran out: the waiting job delivers the mail, once.
    await runtime.platform.db
      .collection('mail_deliveries')
      .updateOne({ key }, { $set: { leaseUntil: new Date(Date.now() - 1000) } });
    await job!.promote();
    const sent = await waitForDelivery(runtime, key, (r) => r.status === 'sent');
    expect(sent.attempts).to.equal(2);
    expect(messagesWith(held.messageId)).to.have.length(1);
  });

  it('when a claim on the row expires without an outcome, then the waiting job claims it itself and sends once', async () => {
    const { record, key } = await request();
    // Another run (a crashed one, or another notification of the same advisory revision) holds the
    // row with a short lease and never comes back.
    const held = await claimAs(key, 'crashed-run', 3000);
    startNotificationWorker();

    const row = await waitForDelivery(runtime, key, (r) => r.status === 'sent');
    expect(row.attempts).to.equal(2);
    expect(row.notificationId).to.equal(record.id);
    expect(row.response).to.match(/^250/);
    expect(messagesWith(held.messageId)).to.have.length(1);
    expect(await settledState(record.id)).to.equal('completed');
  });
});
