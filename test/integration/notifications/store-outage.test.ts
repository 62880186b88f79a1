import { expect } from 'chai';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { ledgerKey } from '../../../src/notifications/index.js';
import { freePort, startFerretDb, type ManagedProcess } from '../../../src/platform/embedded/index.js';
import { createLogger } from '../../../src/platform/index.js';
import { startRuntime } from '../../../src/runtime.js';
import { LogCapture, testConfig, type TestRuntime } from '../../helpers/runtime.js';
import { testDataRoot, uniqueName } from '../../helpers/services.js';
import { alertData, recipient, tester, waitForDelivery } from './notification-fixture.js';

/**
 * A real SMTP server that runs `beforeAccept` after it has read a message and before it answers 250:
 * the sender has handed the message over, and learns it was accepted only after the hook.
 */
async function startGatedSmtp(beforeAccept: () => Promise<void>) {
  const messageIds: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        void (async () => {
          const parsed = await simpleParser(Buffer.concat(chunks));
          await beforeAccept();
          messageIds.push(parsed.messageId ?? '');
          callback();
        })().catch((err: unknown) => {
          callback(err as Error);
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messageIds,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe('notification delivery when the store goes away after the send', function () {
  this.timeout(120_000);
  let dir: string;
  let port: number;
  let ferret: ManagedProcess;
  let crashOnNextAccept = false;
  let smtp: Awaited<ReturnType<typeof startGatedSmtp>>;
  let runtime: TestRuntime;

  /** Kills this test's FerretDB as a crash would; the data stays in `dir`. */
  async function crashStore(): Promise<void> {
    const exited = once(ferret.child, 'exit');
    ferret.child.kill('SIGKILL');
    await exited;
  }

  before(async () => {
    // A FerretDB of this test's own, on a fixed port and data directory, so it can crash and come back.
    dir = mkdtempSync(join(testDataRoot(), 'govcert-outage-'));
    port = await freePort();
    ferret = await startFerretDb(dir, port);
    smtp = await startGatedSmtp(async () => {
      if (!crashOnNextAccept) return;
      crashOnNextAccept = false;
      await crashStore();
    });
    const mongodbUri = `mongodb://127.0.0.1:${port}/${uniqueName('outage')}`;
    const { config, urls } = testConfig('outage', { SMTP_URL: smtp.url, MONGODB_URI: mongodbUri });
    const logs = new LogCapture();
    const started = await startRuntime(config, createLogger(config.LOG_LEVEL, logs), {
      mongodbUri,
      redisUrl: urls.redisUrl,
    });
    if (!started.url) throw new Error('API not started');
    runtime = Object.assign(started, { url: started.url, logs });
  });
  after(async () => {
    await runtime.stop();
    await smtp.stop();
    await ferret.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('when FerretDB crashes between the SMTP 250 and the ledger write, then the sender records it once the store is back and nothing is sent twice', async () => {
    crashOnNextAccept = true;
    const to = recipient();
    const record = await runtime.modules.notifications.notifications.request(tester, {
      kind: 'escalation',
      template: 'escalation-alert',
      recipients: [to],
      data: alertData(),
    });
    const key = ledgerKey('escalation', record.id, to.address, 0);

    // The message is accepted with the store down; wait until the job has met the outage.
    await waitForLog(
      runtime.logs,
      (line) => line.jobId === record.id && Number(line.level) >= 40,
      'the notification job to report the outage',
    );
    ferret = await startFerretDb(dir, port);

    const row = await waitForDelivery(runtime, key, (r) => r.status === 'sent', 60_000);
    expect(row.attempts, 'recorded by the attempt that sent').to.equal(1);
    expect(row.response).to.match(/^250/);
    expect(smtp.messageIds.filter((id) => id === row.messageId)).to.have.length(1);
    expect(smtp.messageIds).to.have.length(1);
  });
});

async function waitForLog(
  logs: LogCapture,
  match: (line: Record<string, unknown>) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!logs.lines.some(match)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
