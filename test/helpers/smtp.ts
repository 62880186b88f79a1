import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** How the server answers one RCPT TO or one DATA: an SMTP error code, or dropping the connection. */
/** `hold` never answers DATA: the message hangs until the client gives up or dies. */
export type SmtpAnswer = { code: number; message?: string } | { drop: true } | { hold: true };

/** A message the server accepted (answered 250 to), parsed. */
export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

interface Connection {
  id: string;
  _socket: { destroy(): void };
}

/**
 * A real SMTP server in the test process, on a free port. By default it accepts everything; scripted
 * answers per recipient (`failRcpt`, `failData`) are used once each, in order, then it accepts again.
 * Only messages answered with 250 count as received, so a dropped or refused DATA is not delivered.
 */
export class TestSmtpServer {
  readonly received: ReceivedMessage[] = [];
  /** Every DATA the server saw, accepted or not (to tell "retried" from "never tried"). */
  dataAttempts = 0;
  /** DATA commands left unanswered by a `hold`. */
  held = 0;
  private readonly rcptScript = new Map<string, SmtpAnswer[]>();
  private readonly dataScript = new Map<string, SmtpAnswer[]>();
  private readonly server: SMTPServer;
  private port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 10 * 1024 * 1024,
      onRcptTo: (address, _session, callback) => {
        const answer = this.rcptScript.get(address.address.toLowerCase())?.shift();
        if (answer === undefined) {
          callback();
          return;
        }
        if (!('code' in answer)) {
          callback(smtpError(421, 'closing'));
          return;
        }
        callback(smtpError(answer.code, answer.message));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.dataAttempts += 1;
          void this.finishData(Buffer.concat(chunks), session, callback);
        });
      },
    });
    this.server.on('error', () => undefined); // a dropped client socket is expected in these tests
  }

  /** Starts listening on 127.0.0.1 and a free port. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** `smtp://127.0.0.1:<port>` for `SMTP_URL`. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next RCPT TO for `address` gets these answers, one per attempt. */
  failRcpt(address: string, ...answers: SmtpAnswer[]): void {
    this.rcptScript.set(address.toLowerCase(), [
      ...(this.rcptScript.get(address.toLowerCase()) ?? []),
      ...answers,
    ]);
  }

  /** The next DATA of a message to `address` gets these answers, one per attempt. */
  failData(address: string, ...answers: SmtpAnswer[]): void {
    this.dataScript.set(address.toLowerCase(), [
      ...(this.dataScript.get(address.toLowerCase()) ?? []),
      ...answers,
    ]);
  }

  /** Messages received for `address`. */
  to(address: string): ReceivedMessage[] {
    return this.received.filter((m) => m.to.includes(address.toLowerCase()));
  }

  /** Resolves once `predicate` holds, polling; rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    for (const connection of this.server.connections as Set<Connection>) connection._socket.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private async finishData(
    raw: Buffer,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): Promise<void> {
    const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
    const answer = to.map((address) => this.dataScript.get(address)?.shift()).find((a) => a !== undefined);
    if (answer !== undefined && 'hold' in answer) {
      this.held += 1;
      return;
    }
    if (answer !== undefined && 'drop' in answer) {
      // Drop after the whole message went through, before the reply: the sender cannot know.
      for (const connection of this.server.connections as Set<Connection>) {
        if (connection.id === session.id) connection._socket.destroy();
      }
      return;
    }
    if (answer !== undefined) {
      callback(smtpError(answer.code, answer.message));
      return;
    }
    const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
    this.received.push({ from, to, raw: raw.toString('utf8'), parsed: await simpleParser(raw) });
    callback();
  }
}

function smtpError(code: number, message = `scripted ${code}`): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Starts a {@link TestSmtpServer}. */
export function startSmtpServer(): Promise<TestSmtpServer> {
  return new TestSmtpServer().start();
}
