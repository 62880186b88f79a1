// A real SMTP server in the harness process: accepts every message and counts them by Message-ID.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

interface Connection {
  _socket: { destroy(): void };
}

/** The Message-ID header of a raw message (headers unfolded), or null when it has none. */
export function messageIdOf(raw: string): string | null {
  const end = raw.search(/\r?\n\r?\n/);
  const headers = (end === -1 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const match = /^message-id:\s*(\S+)/im.exec(headers);
  return match?.[1] ?? null;
}

export class SmtpSink {
  /** Accepted messages per Message-ID (a count above 1 is a duplicate mail). */
  readonly byMessageId = new Map<string, number>();
  accepted = 0;
  withoutMessageId = 0;
  private readonly server: SMTPServer;
  private port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 10 * 1024 * 1024,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const id = messageIdOf(Buffer.concat(chunks).toString('utf8'));
          this.accepted += 1;
          if (id === null) this.withoutMessageId += 1;
          else this.byMessageId.set(id, (this.byMessageId.get(id) ?? 0) + 1);
          callback();
        });
      },
    });
    this.server.on('error', () => undefined); // clients killed mid-message are part of the run
  }

  async start(): Promise<this> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Message-IDs received more than once, with their counts. */
  duplicates(): Array<[string, number]> {
    return [...this.byMessageId].filter(([, count]) => count > 1);
  }

  async stop(): Promise<void> {
    for (const connection of this.server.connections as Set<Connection>) connection._socket.destroy();
    await new Promise<void>((done) => {
      this.server.close(() => {
        done();
      });
    });
  }
}
