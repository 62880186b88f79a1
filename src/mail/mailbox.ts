import { MailAddressError, headerSafe, isSafeAddress, type Mailbox } from './transport.js';

/**
 * Parses a configured mailbox, `Display Name <local@domain>` or a bare address, as `MAIL_FROM` holds
 * it. The address must pass the transport's strict check; the name is made header-safe.
 * @throws MailAddressError for anything else.
 */
export function parseMailbox(value: string): Mailbox {
  const angled = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(value);
  const address = (angled?.[2] ?? value).trim();
  if (!isSafeAddress(address)) throw new MailAddressError(`not a safe mailbox: ${JSON.stringify(value)}`);
  const name = headerSafe((angled?.[1] ?? '').replace(/^"(.*)"$/, '$1'));
  return name === '' ? { address } : { address, name };
}

/** The domain part of an address (Message-IDs use the sender's domain). */
export function mailDomain(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
