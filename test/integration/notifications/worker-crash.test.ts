import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ledgerKey } from '../../../src/notifications/index.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { alertData, recipient, tester, waitForDelivery } from './notification-fixture.js';
import { spawnWorkerProcess } from '../../helpers/processes.js';

describe('notification worker killed mid-send', function () {
  // A killed worker's job lock must expire (30 s) before another worker takes the job over.
  this.timeout(150_000);
  let smtp: TestSmtpServer;
  let runtime: TestRuntime;
  const children: ChildProcess[] = [];

  before(async () => {
    smtp = await startSmtpServer();
    // The API side only: the workers run in child processes this test can kill.
    runtime = await startTestRuntime('crash', { SMTP_URL: smtp.url, RUN_WORKERS: 'false' });
  });
  after(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
    }
    await runtime.stop();
    await smtp.stop();
  });

  function startWorker(): ChildProcess {
    const { config } = runtime.platform;
    const child = spawnWorkerProcess({
      MONGODB_URI: config.MONGODB_URI,
      REDIS_URL: config.REDIS_URL,
      REDIS_PREFIX: config.REDIS_PREFIX,
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'error',
    });
    children.push(child);
    return child;
  }

  it('when the worker is SIGKILLed mid-send and restarted, then a message the ledger marked sent is not sent again', async () => {
    const first = recipient('First');
    const second = recipient('Second');
    smtp.failData(second.address, { hold: true });
    const record = await runtime.modules.notifications.notifications.request(tester, {
      kind: 'escalation',
      template: 'escalation-alert',
      recipients: [first, second],
      data: alertData(),
    });
    const key = (address: string) => ledgerKey('escalation', record.id, address, 0);
    const victim = startWorker();
    await waitForDelivery(runtime, key(first.address), (r) => r.status === 'sent', 60_000);
    await smtp.waitFor(() => smtp.held === 1, 30_000, 'the second message to hang');
    const killed = once(victim, 'exit');
    victim.kill('SIGKILL');
    await killed;
    expect((await runtime.modules.notifications.deliveries.find(key(second.address)))?.status).to.equal(
      'sending',
    );
    // Nobody may take the row over while the dead worker's claim lasts (5 minutes): let it run out.
    await runtime.platform.db
      .collection('mail_deliveries')
      .updateOne({ key: key(second.address) }, { $set: { leaseUntil: new Date(Date.now() - 1000) } });

    startWorker();
    const row = await waitForDelivery(runtime, key(second.address), (r) => r.status === 'sent', 120_000);
    expect(row.attempts).to.equal(2);
    expect(smtp.to(first.address), 'sent before the kill, not again').to.have.length(1);
    expect(smtp.to(second.address)).to.have.length(1);
    const firstRow = await runtime.modules.notifications.deliveries.find(key(first.address));
    expect(firstRow?.attempts).to.equal(1);
  });
});
