import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { SendMailOptions, TransportOptions } from 'nodemailer';
import pLimit from 'p-limit';
import { writeOutboxFile } from './outbox-file.js';

/** A mailbox: the address is validated, the display name is made header-safe. */
export interface Mailbox {
  address: string;
  name?: string;
}

/** One message ready to go: rendered parts plus a deterministic Message-ID. */
export interface OutgoingMail {
  from: Mailbox;
  to: Mailbox[];
  subject: string;
  html: string;
  text: string;
  /** `<id@domain>` from {@link messageIdFor}, so a retry re-sends the same message. */
  messageId: string;
  /**
   * Do not start sending after this instant (the sender's claim on the message runs out soon after):
   * checked when the message gets a connection, so time spent waiting for one counts. A send that
   * started goes on; the sender keeps enough of its claim for the longest send the timeouts allow.
   */
  notAfter?: Date;
}

/** What a send reports back. */
export interface SendResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** Path of the `.eml` written (or found already written) by the outbox transport. */
  file?: string;
  /** The server's final reply (`250 2.0.0 queued as ...`), for the delivery ledger. */
  response?: string;
}

/** Sends mail; `close` releases pooled connections. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): void;
}

/** Transport settings. */
export interface TransportConfig {
  /** `smtp://` or `smtps://` URL; without it messages are written to `outboxDir`. */
  smtpUrl?: string;
  /** Directory for `.eml` files when no SMTP URL is set (development, tests). */
  outboxDir: string;
  /** Milliseconds for connect, greeting and idle socket; default 10 s / 10 s / 30 s. */
  timeouts?: { connection?: number; greeting?: number; socket?: number };
  /** SMTP connections used at once; more sends wait here, before `notAfter` is checked. Default 5. */
  maxConnections?: number;
}

/** Raised before anything is sent when an address could inject headers or is not an address. */
export class MailAddressError extends Error {
  override readonly name = 'MailAddressError';
}

/** Raised, with nothing sent, when a message's `notAfter` passed before it could start. */
export class SendWindowClosedError extends Error {
  override readonly name = 'SendWindowClosedError';
}

function checkWindow(mail: OutgoingMail): void {
  if (mail.notAfter !== undefined && Date.now() > mail.notAfter.getTime()) {
    throw new SendWindowClosedError(`not sent: the send window closed at ${mail.notAfter.toISOString()}`);
  }
}

// Conservative on purpose: no whitespace, quotes, brackets, commas or controls anywhere.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** A header value on one line: controls (CR, LF, TAB, NUL...) become spaces. */
export const headerSafe = (value: string): string =>
  value.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();

/** True when `address` is an address we are willing to put in a header (see `ADDRESS`). */
export const isSafeAddress = (address: string): boolean => ADDRESS.test(address);

function mailbox(m: Mailbox): { address: string; name: string } {
  if (!ADDRESS.test(m.address))
    throw new MailAddressError(`not a safe e-mail address: ${JSON.stringify(m.address)}`);
  return { address: m.address, name: headerSafe(m.name ?? '') };
}

/**
 * Deterministic Message-ID for a delivery-ledger key: the same key always gives the same id, so a
 * retried send is recognisably the same message (and receivers can deduplicate).
 */
export function messageIdFor(ledgerKey: string, domain: string): string {
  if (!/^[A-Za-z0-9.-]+$/.test(domain)) throw new MailAddressError(`not a domain: ${JSON.stringify(domain)}`);
  const digest = createHash('sha256').update(ledgerKey, 'utf8').digest('hex').slice(0, 40);
  return `<${digest}@${domain.toLowerCase()}>`;
}

const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROXY',
  'EMAXLIMIT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * Whether a failed send is worth retrying: SMTP 4xx replies and connection, DNS and timeout failures
 * are transient; 5xx replies and everything else (bad address, bad message, auth refused) permanent.
 */
export function classifySmtpError(err: unknown): 'transient' | 'permanent' {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    responseCode?: unknown;
    code?: unknown;
  };
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 400 && e.responseCode < 500) return 'transient';
    if (e.responseCode >= 500 && e.responseCode < 600) return 'permanent';
  }
  return typeof e.code === 'string' && TRANSIENT_CODES.has(e.code) ? 'transient' : 'permanent';
}

function toMessage(mail: OutgoingMail): SendMailOptions {
  return {
    from: mailbox(mail.from),
    to: mail.to.map(mailbox),
    subject: headerSafe(mail.subject),
    html: mail.html,
    text: mail.text,
    messageId: headerSafe(mail.messageId),
  };
}

const addresses = (list: unknown): string[] =>
  Array.isArray(list)
    ? list.map((a) => (typeof a === 'string' ? a : (a as { address: string }).address))
    : [];

/**
 * Creates the mail transport: pooled SMTP when `smtpUrl` is set, otherwise an outbox that writes each
 * message to `<outboxDir>/<message-id>.eml` (see {@link writeOutboxFile}: written through a temporary
 * file, never twice). Attachments and content by path or URL are disabled (`disableFileAccess`,
 * `disableUrlAccess`): mail content is data, never a file to read.
 */
export function createTransport(config: TransportConfig): MailTransport {
  const safety = { disableFileAccess: true, disableUrlAccess: true };
  if (config.smtpUrl !== undefined && config.smtpUrl !== '') {
    const maxConnections = config.maxConnections ?? 5;
    // As many sends at once as the pool has connections: the rest wait here, not in the pool's own
    // queue, so `notAfter` is checked when a connection is free and a send goes out right after.
    const slots = pLimit(maxConnections);
    const smtp = nodemailer.createTransport({
      url: config.smtpUrl,
      pool: true,
      maxConnections,
      // No silent re-sends inside the pool: every retry goes through the ledger, with backoff and audit.
      maxRequeues: 0,
      connectionTimeout: config.timeouts?.connection ?? 10_000,
      greetingTimeout: config.timeouts?.greeting ?? 10_000,
      socketTimeout: config.timeouts?.socket ?? 30_000,
      ...safety,
    } as TransportOptions);
    return {
      send: (mail) =>
        slots(async () => {
          checkWindow(mail);
          const info = (await smtp.sendMail(toMessage(mail))) as {
            messageId: string;
            accepted?: unknown;
            rejected?: unknown;
            response?: unknown;
          };
          return {
            messageId: info.messageId,
            accepted: addresses(info.accepted),
            rejected: addresses(info.rejected),
            ...(typeof info.response === 'string' ? { response: info.response } : {}),
          };
        }),
      close: () => {
        smtp.close();
      },
    };
  }
  const stream = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    ...safety,
  } as TransportOptions);
  return {
    async send(mail) {
      checkWindow(mail);
      const info = (await stream.sendMail(toMessage(mail))) as { messageId: string; message: Buffer };
      const { file, existed } = await writeOutboxFile(config.outboxDir, info.messageId, info.message);
      const accepted = mail.to.map((m) => m.address);
      const response = existed ? `already written to ${file}` : `written to ${file}`;
      return { messageId: info.messageId, accepted, rejected: [], file, response };
    },
    close: () => {
      stream.close();
    },
  };
}
