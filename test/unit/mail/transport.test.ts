import { watch } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import {
  type OutgoingMail,
  MailAddressError,
  SendWindowClosedError,
  classifySmtpError,
  createTransport,
  messageIdFor,
} from '../../../src/mail/transport.js';

/** Polls `predicate` until it holds; rejects after `timeoutMs`. */
async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The error `fn` rejects with, or undefined. */
async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on a free port that keeps what it receives. */
async function startSmtp(): Promise<{ port: number; received: Received[]; stop: () => Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const env = session.envelope;
        received.push({
          from: env.mailFrom === false ? '' : env.mailFrom.address,
          to: env.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

const mail = (over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  from: { address: 'govcert@example.gov.hk', name: 'GovCERT.HK' },
  to: [{ address: 'isirt@transport.example.gov.hk', name: 'ISIRT' }],
  subject: '[TLP:AMBER] Report received',
  html: '<p>Hello</p>',
  text: 'Hello',
  messageId: messageIdFor('delivery-1', 'govcert.example.gov.hk'),
  ...over,
});

describe('SMTP transport against a real server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  before(async () => {
    smtp = await startSmtp();
  });
  after(async () => {
    await smtp.stop();
  });

  it('when names and subject carry CR/LF, then no extra header and no extra recipient appear', async () => {
    const transport = createTransport({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, outboxDir: tmpdir() });
    try {
      await transport.send(
        mail({
          from: { address: 'govcert@example.gov.hk', name: 'GovCERT\r\nBcc: thief@evil.example' },
          to: [{ address: 'isirt@transport.example.gov.hk', name: 'ISIRT\r\nX-Injected: to' }],
          subject: 'Alert\r\nBcc: thief@evil.example\r\nX-Injected: yes\nContent-Type: text/evil',
        }),
      );
    } finally {
      transport.close();
    }
    const got = smtp.received.at(-1)!;
    expect(got.to).to.deep.equal(['isirt@transport.example.gov.hk']);
    const parsed = await simpleParser(got.raw);
    expect(parsed.headers.has('bcc')).to.equal(false);
    expect(parsed.headers.has('x-injected')).to.equal(false);
    expect(parsed.subject).to.equal('Alert Bcc: thief@evil.example X-Injected: yes Content-Type: text/evil');
    expect(parsed.messageId).to.equal(messageIdFor('delivery-1', 'govcert.example.gov.hk'));
    expect(parsed.text?.trim()).to.equal('Hello');
    expect(parsed.html).to.include('<p>Hello</p>');
  });

  it('when an address carries CR/LF or a second address, then nothing is sent', async () => {
    const transport = createTransport({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, outboxDir: tmpdir() });
    const before = smtp.received.length;
    try {
      for (const address of ['a@example.com\r\nBcc: b@evil.example', 'a@example.com, b@evil.example', 'x']) {
        let error: unknown;
        try {
          await transport.send(mail({ to: [{ address }] }));
        } catch (err) {
          error = err;
        }
        expect(error).to.be.instanceOf(MailAddressError);
      }
    } finally {
      transport.close();
    }
    expect(smtp.received.length).to.equal(before);
  });

  it('when the send window has closed, then nothing is sent', async () => {
    const transport = createTransport({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, outboxDir: tmpdir() });
    const before = smtp.received.length;
    try {
      const error = await rejection(() => transport.send(mail({ notAfter: new Date(Date.now() - 1) })));
      expect(error).to.be.instanceOf(SendWindowClosedError);
    } finally {
      transport.close();
    }
    expect(smtp.received.length).to.equal(before);
  });
});

describe('outbox transport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when there is no SMTP URL, then each message is written as an .eml file named by its Message-ID', async () => {
    const transport = createTransport({ outboxDir: dir });
    const result = await transport.send(mail());
    transport.close();
    const files = await readdir(dir);
    expect(files).to.have.length(1);
    expect(files[0]).to.match(/^[0-9a-f]{40}@govcert\.example\.gov\.hk\.eml$/);
    expect(result.file).to.equal(join(dir, files[0]));
    expect(result.response).to.equal(`written to ${result.file}`);
    const parsed = await simpleParser(await readFile(result.file!));
    expect(parsed.subject).to.equal('[TLP:AMBER] Report received');
    expect(parsed.messageId).to.equal(mail().messageId);
  });

  it('when a message is written, then its .eml appears complete, renamed from a temporary file in the same directory', async () => {
    const events: Array<{ event: string; name: string }> = [];
    const watcher = watch(dir, (event, name) => {
      if (name !== null) events.push({ event, name });
    });
    const transport = createTransport({ outboxDir: dir });
    try {
      const result = await transport.send(mail());
      const final = basename(result.file!);
      await waitFor(() => events.some((e) => e.name === final), 'the file to appear');
      // inotify reports in order: a write to the final name (what an in-place write does) would show
      // as a `change` on it; the bytes went to another name that was then renamed.
      expect(events.filter((e) => e.name === final).map((e) => e.event)).to.deep.equal(['rename']);
      const temporary = events.find((e) => e.name !== final && e.event === 'change');
      expect(temporary, 'bytes written under a temporary name').to.exist;
      expect(temporary!.name).to.match(/^\..*\.tmp$/);
      expect(await readdir(dir)).to.deep.equal([final]);
    } finally {
      watcher.close();
      transport.close();
    }
  });

  it('when the outbox already holds the file for the Message-ID, then it is not written again and counts as sent', async () => {
    const first = createTransport({ outboxDir: dir });
    const written = await first.send(mail());
    first.close();
    const before = await stat(written.file!);
    // A crash mid-write of another attempt leaves at most a hidden temporary file, never an .eml.
    await writeFile(join(dir, `.${basename(written.file!)}.999-dead.tmp`), 'From: half');

    const retry = createTransport({ outboxDir: dir });
    const again = await retry.send(mail({ subject: 'Same message, second attempt' }));
    retry.close();
    expect(again.file).to.equal(written.file);
    expect(again.response).to.equal(`already written to ${written.file}`);
    expect(again.accepted).to.deep.equal(['isirt@transport.example.gov.hk']);
    expect((await readdir(dir)).filter((f) => f.endsWith('.eml'))).to.deep.equal([basename(written.file!)]);
    expect((await stat(written.file!)).mtimeMs).to.equal(before.mtimeMs);
    const parsed = await simpleParser(await readFile(written.file!));
    expect(parsed.subject).to.equal('[TLP:AMBER] Report received');
  });

  it('when the send window has closed, then nothing is written', async () => {
    const transport = createTransport({ outboxDir: dir });
    const error = await rejection(() => transport.send(mail({ notAfter: new Date(Date.now() - 1) })));
    transport.close();
    expect(error).to.be.instanceOf(SendWindowClosedError);
    expect(await readdir(dir)).to.deep.equal([]);
  });
});

describe('messageIdFor', () => {
  it('when the ledger key is the same, then the Message-ID is the same', () => {
    expect(messageIdFor('k', 'd.example')).to.equal(messageIdFor('k', 'd.example'));
    expect(messageIdFor('k', 'd.example')).to.not.equal(messageIdFor('k2', 'd.example'));
    expect(messageIdFor('k', 'd.example')).to.match(/^<[0-9a-f]{40}@d\.example>$/);
  });
  it('when the domain is not a domain, then it throws', () => {
    expect(() => messageIdFor('k', 'evil\r\n.example')).to.throw(MailAddressError);
  });
});

describe('classifySmtpError', () => {
  const table: [unknown, 'transient' | 'permanent'][] = [
    [{ responseCode: 421, code: 'EENVELOPE' }, 'transient'],
    [{ responseCode: 450 }, 'transient'],
    [{ responseCode: 452, code: 'EMESSAGE' }, 'transient'],
    [{ responseCode: 550, code: 'EENVELOPE' }, 'permanent'],
    [{ responseCode: 554 }, 'permanent'],
    [{ responseCode: 535, code: 'EAUTH' }, 'permanent'],
    [{ code: 'ECONNECTION' }, 'transient'],
    [{ code: 'ETIMEDOUT' }, 'transient'],
    [{ code: 'ECONNREFUSED' }, 'transient'],
    [{ code: 'EDNS' }, 'transient'],
    [{ code: 'EENVELOPE' }, 'permanent'],
    [new TypeError('bug'), 'permanent'],
    [undefined, 'permanent'],
  ];
  for (const [err, kind] of table) {
    it(`when the error is ${err instanceof Error ? err.name : JSON.stringify(err)}, then it is ${kind}`, () => {
      expect(classifySmtpError(err)).to.equal(kind);
    });
  }

  it('when the server is unreachable, then the real error is transient', async () => {
    const probe = await startSmtp();
    await probe.stop();
    const transport = createTransport({
      smtpUrl: `smtp://127.0.0.1:${probe.port}`,
      outboxDir: tmpdir(),
      timeouts: { connection: 2000, greeting: 2000, socket: 2000 },
    });
    let error: unknown;
    try {
      await transport.send(mail());
    } catch (err) {
      error = err;
    } finally {
      transport.close();
    }
    expect(error).to.be.instanceOf(Error);
    expect(classifySmtpError(error)).to.equal('transient');
  });
});
