import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import { RedisStore } from 'connect-redis';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  personActor,
  type AccountService,
  type Language,
  type OidcPending,
  type PeopleDirectory,
  type Person,
} from '../accounts/index.js';
import { auditDraft, type AuditDraft } from '../audit/index.js';
import type { ConsoleLocals } from './page.js';
import { fromAcceptLanguage } from './i18n.js';

/** What a console session holds (in Redis; the browser holds only the signed id). */
declare module 'express-session' {
  interface SessionData {
    userId: string;
    /** ms since the epoch: the absolute timeout counts from here. */
    signedInAt: number;
    /** ms since the epoch of the last request: the idle timeout counts from here. */
    lastSeenAt: number;
    method: string;
    /** Between the password and the second step (or a required enrolment): who, since when, where to. */
    pending: { userId: string; stage: 'second-factor' | 'enrol'; since: number; next: string };
    /** A TOTP secret shown for enrolment, until a code from it confirms it. */
    enrolSecret: string;
    oidc: OidcPending & { next: string };
    lang: Language;
    /** One message for the next page shown (a catalogue key and its values). */
    notice: { key: string; values?: Record<string, unknown> };
  }
}

export interface SessionSettings {
  redis: Redis;
  redisPrefix: string;
  secret: string;
  idleMinutes: number;
  absoluteHours: number;
}

export const SESSION_COOKIE = 'govcert.sid';

/**
 * Sessions stored in Redis (express-session with connect-redis): the cookie is HttpOnly, SameSite=Lax,
 * Secure whenever the request came over TLS (directly, or through a proxy trusted by TRUST_PROXY_HOPS),
 * and expires with the browser. The idle and absolute limits are checked on every request by
 * {@link sessionPerson}; Redis forgets a session at the absolute limit in any case.
 */
export function sessionMiddleware(settings: SessionSettings): RequestHandler {
  const store = new RedisStore({
    client: settings.redis,
    prefix: `${settings.redisPrefix}:sess:`,
    ttl: Math.ceil(settings.absoluteHours * 3600),
    disableTouch: true, // every request saves `lastSeenAt`, which renews the TTL anyway
  });
  return session({
    name: SESSION_COOKIE,
    secret: settings.secret,
    store,
    resave: false,
    saveUninitialized: false,
    proxy: undefined, // follow Express' `trust proxy`
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/' },
  });
}

export function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((err: unknown) => {
      if (err) reject(err instanceof Error ? err : new Error('session store failed', { cause: err }));
      else resolve();
    });
  });
}

export function destroy(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.destroy((err: unknown) => {
      if (err) reject(err instanceof Error ? err : new Error('session store failed', { cause: err }));
      else resolve();
    });
  });
}

export interface SessionPersonDeps {
  people: PeopleDirectory;
  accounts: AccountService;
  audit: { record(draft: AuditDraft): Promise<void> };
  logger: Logger;
  idleMinutes: number;
  absoluteHours: number;
}

type EndReason = 'idle' | 'absolute' | 'disabled' | 'credentials_changed';

const NOTICE: Record<EndReason, string> = {
  idle: 'signin.idleExpired',
  absolute: 'signin.absoluteExpired',
  disabled: 'signin.ended',
  credentials_changed: 'signin.ended',
};

/**
 * Resolves the signed-in person of every console request, from the user record as it is now: a user
 * disabled by an administrator, or whose password was reset after this session signed in, is signed
 * out at this request, as is a session past its idle or absolute limit. The ending is audited, and the
 * next page says why.
 */
export function sessionPerson(deps: SessionPersonDeps): RequestHandler {
  const idleMs = deps.idleMinutes * 60_000;
  const absoluteMs = deps.absoluteHours * 3_600_000;
  return async (req, res, next) => {
    const s = req.session;
    const lang = s.lang ?? fromAcceptLanguage(req.get('accept-language')) ?? 'en';
    const locals: ConsoleLocals = { person: null, actor: null, lang };
    res.locals.console = locals;
    if (!s.userId) {
      next();
      return;
    }
    const now = Date.now();
    const person = await deps.people.get(s.userId);
    const account = person ? await deps.accounts.get(person.id) : null;
    let ended: EndReason | null = null;
    if (!person?.active) ended = 'disabled';
    else if (account?.sessionsValidFrom && account.sessionsValidFrom.getTime() > (s.signedInAt ?? 0))
      ended = 'credentials_changed';
    else if (now - (s.signedInAt ?? 0) > absoluteMs) ended = 'absolute';
    else if (now - (s.lastSeenAt ?? 0) > idleMs) ended = 'idle';
    if (ended) {
      await endSession(req, deps, person, s.userId, ended);
      next();
      return;
    }
    s.lastSeenAt = now;
    locals.person = person;
    locals.actor = person ? personActor(person) : null;
    next();
  };
}

async function endSession(
  req: Request,
  deps: SessionPersonDeps,
  person: Person | null,
  userId: string,
  reason: EndReason,
): Promise<void> {
  const lang = req.session.lang;
  const actor = person
    ? personActor(person)
    : { userId, keyId: null, role: 'system' as const, bureauId: null, name: userId };
  try {
    await deps.audit.record(
      auditDraft(
        actor,
        'auth.session.ended',
        { type: 'user', id: userId, ref: person?.email },
        {
          bureauId: person?.bureauId ?? null,
          data: { reason, ip: req.ip ?? 'unknown' },
        },
      ),
    );
  } catch (err) {
    deps.logger.error({ err }, 'could not record session end audit event');
  }
  await regenerate(req);
  if (lang) req.session.lang = lang;
  const values =
    reason === 'idle'
      ? { minutes: deps.idleMinutes }
      : reason === 'absolute'
        ? { hours: deps.absoluteHours }
        : {};
  req.session.notice = { key: NOTICE[reason], values };
}
