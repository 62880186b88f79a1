import type { Request } from 'express';
import type { AccountService, Person } from '../../accounts/index.js';
import { regenerate } from '../session.js';

/** How long the second step (or a required enrolment) may wait after the password step. */
export const PENDING_MS = 5 * 60_000;

/**
 * Makes `req`'s session a signed-in one for `person`, under a new session id (a session id seen before
 * sign-in, fixed by an attacker or not, never becomes a signed-in one). The language the person chose
 * before is kept: their stored choice first, else the one picked on the sign-in page.
 */
export async function establish(
  req: Request,
  accounts: AccountService,
  person: Person,
  method: string,
): Promise<void> {
  const account = await accounts.get(person.id);
  const lang = account?.language ?? req.session.lang;
  await regenerate(req);
  const now = Date.now();
  req.session.userId = person.id;
  req.session.signedInAt = now;
  req.session.lastSeenAt = now;
  req.session.method = method;
  if (lang) req.session.lang = lang;
}

/** The pending sign-in of `stage`, if it is still fresh. */
export function pendingOf(
  req: Request,
  stage: 'second-factor' | 'enrol',
): { userId: string; next: string } | null {
  const pending = req.session.pending;
  if (!pending || pending.stage !== stage || Date.now() - pending.since > PENDING_MS) return null;
  return { userId: pending.userId, next: pending.next };
}
