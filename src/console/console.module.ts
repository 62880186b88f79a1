import { join } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type AccountsServices, type Person, personActor } from '../accounts/index.js';
import { auditDraft, type AuditDraft } from '../audit/index.js';
import type { BureauService } from '../auth/index.js';
import type { Config } from '../config/index.js';
import type { IncidentService } from '../incidents/index.js';
import type { AccessControl } from '../platform/http/index.js';
import { createTranslator } from './i18n.js';
import { registerPages, type AnyPage } from './page.js';
import { pageErrorHandler, unknownPage } from './page-errors.js';
import { createRenderer } from './render.js';
import { sessionMiddleware, sessionPerson } from './session.js';
import { ViewEngine } from './view-engine.js';
import { accountPages } from './pages/account.pages.js';
import { homePages } from './pages/home.pages.js';
import { incidentPages } from './pages/incident.pages.js';
import { signInPages } from './pages/sign-in.pages.js';
import { portalPages, type PortalDeps } from './pages/portal.pages.js';

export interface ConsoleDeps {
  config: Config;
  logger: Logger;
  redis: Redis;
  access: AccessControl;
  audit: { record(draft: AuditDraft): Promise<void> };
  accounts: AccountsServices;
  bureaux: Pick<BureauService, 'getBureau'>;
  incidents: Pick<IncidentService, 'get'>;
  /** The per-address request limit, applied to the sign-in steps. */
  signInLimit: RequestHandler[];
  /** The console's base URL as people reach it. */
  publicUrl(): string;
  /** The bureau portal's services (its pages are left out without them). */
  portal?: PortalDeps;
  /** More pages (later console work registers its own here). */
  pages?: (shared: ConsoleShared) => AnyPage[];
}

/** What page modules may use from the console ground. */
export interface ConsoleShared {
  translator: ReturnType<typeof createTranslator>;
}

// Pages load no script or style from anywhere but here, and nothing may frame them.
const PAGE_SECURITY = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'object-src': ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  // Set-password links carry their token in the address: no page leaks its address to another site.
  referrerPolicy: { policy: 'no-referrer' },
});

/**
 * The web console: server-rendered pages under /console (and `/`, `/login` leading there), with their
 * own security headers, urlencoded forms, sessions in Redis, CSRF checks, and error pages. Everything
 * else falls through to the API.
 */
export function createConsole(deps: ConsoleDeps): Router {
  const { config, logger } = deps;
  const webDir = join(config.TEMPLATE_DIR, 'web');
  const translator = createTranslator();
  const views = new ViewEngine(webDir, translator);
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const body = req.body as { _csrf?: unknown } | undefined;
      return typeof body?._csrf === 'string' ? body._csrf : req.get('x-csrf-token');
    },
  });
  const render = createRenderer(views, translator, (req) =>
    (req.session as typeof req.session | undefined) ? generateToken(req) : null,
  );
  const signOut = async (person: Person, ip: string): Promise<void> => {
    const draft = auditDraft(
      personActor(person),
      'auth.signout',
      { type: 'user', id: person.id, ref: person.email },
      {
        bureauId: person.bureauId,
        data: { ip },
      },
    );
    try {
      await deps.audit.record(draft);
    } catch (err) {
      logger.error({ err }, 'could not record sign-out audit event');
    }
  };
  const pages: AnyPage[] = [
    ...signInPages({
      services: deps.accounts,
      translator,
      audit: { signOut },
      publicUrl: () => deps.publicUrl(),
    }),
    ...accountPages({ services: deps.accounts, translator }),
    ...homePages({ bureaux: deps.bureaux }),
    ...incidentPages({ incidents: deps.incidents }),
    ...(deps.portal ? portalPages(deps.portal, translator) : []),
    ...(deps.pages?.({ translator }) ?? []),
  ];

  const router = express.Router();
  router.get('/', (_req, res) => {
    res.redirect(303, '/console');
  });
  router.get('/login', (_req, res) => {
    res.redirect(303, '/console/login');
  });
  router.use('/console', PAGE_SECURITY);
  router.use(
    '/console/assets',
    express.static(join(webDir, 'assets'), { index: false, maxAge: '1h', fallthrough: true }),
  );
  router.use('/console', express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  router.use(
    '/console',
    sessionMiddleware({
      redis: deps.redis,
      redisPrefix: config.REDIS_PREFIX,
      secret: config.SESSION_SECRET,
      idleMinutes: config.SESSION_IDLE_MINUTES,
      absoluteHours: config.SESSION_ABSOLUTE_HOURS,
    }),
  );
  router.use(
    '/console',
    sessionPerson({
      people: deps.accounts.people,
      accounts: deps.accounts.accounts,
      audit: deps.audit,
      logger,
      idleMinutes: config.SESSION_IDLE_MINUTES,
      absoluteHours: config.SESSION_ABSOLUTE_HOURS,
    }),
  );
  registerPages(router, pages, {
    access: deps.access,
    render,
    csrf: csrfSynchronisedProtection,
    limit: deps.signInLimit,
  });
  router.use('/console', unknownPage);
  router.use('/console', pageErrorHandler(logger, render, translator));
  return router;
}
