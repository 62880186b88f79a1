import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Connection } from '../platform/db/index.js';
import type { AnyRoute } from '../platform/http/index.js';
import type { AuditRecorder } from './account-audit.js';
import { ACCOUNTS_COLLECTION, accountModel } from './account.model.js';
import { AccountRepository } from './account.repository.js';
import { accountRoutes } from './account.routes.js';
import { AccountService } from './account.service.js';
import { DEMO_PASSWORDS_FILE, ensureDemoPasswords, type DemoSignIn } from './demo-passwords.js';
import { OidcService, type Provisioner } from './oidc.service.js';
import { SignInService, type PeopleDirectory } from './sign-in.service.js';

export interface AccountsPlatform {
  config: Config;
  logger: Logger;
  db: Connection;
}

export interface AccountsDeps {
  people: PeopleDirectory & Provisioner;
  audit: AuditRecorder;
  registerOutbox(collection: string): void;
  kickAudit(collection: string, id: unknown): void;
  /** The console's base URL as people reach it (PUBLIC_URL, else where the server listens). */
  publicUrl(): string;
  /** The demo people's emails (seeded by the auth module), when demo mode seeds them. */
  demoEmails(): readonly string[];
}

export interface AccountsServices {
  signIn: SignInService;
  accounts: AccountService;
  /** Null when no OIDC issuer is configured. */
  oidc: OidcService | null;
  people: PeopleDirectory;
}

export interface AccountsModule {
  services: AccountsServices;
  routes: AnyRoute[];
  /** Filled by `init()` in demo mode: the console sign-ins to print. */
  demoSignIns: DemoSignIn[];
  /** Writes the counts of throttled sign-in refusals to the audit trail (each minute, and at stop). */
  background: Array<{ name: string; start(): void; stop(): Promise<void> }>;
  init(): Promise<void>;
}

/** Path of the page an administrator's set-password link opens. */
export const SET_PASSWORD_PATH = '/console/password/set';

/** People's console accounts: password and TOTP sign-in with lockout, OIDC, resets, preferences. */
export function createAccountsModule(platform: AccountsPlatform, deps: AccountsDeps): AccountsModule {
  const { config } = platform;
  deps.registerOutbox(ACCOUNTS_COLLECTION);
  const repository = new AccountRepository(accountModel(platform.db), (userId) => {
    deps.kickAudit(ACCOUNTS_COLLECTION, userId);
  });
  const signIn = new SignInService(
    deps.people,
    repository,
    deps.audit,
    {
      lockoutAttempts: config.CONSOLE_LOCKOUT_ATTEMPTS,
      lockoutMinutes: config.CONSOLE_LOCKOUT_MINUTES,
      totpRequired: config.CONSOLE_TOTP_REQUIRED,
    },
    platform.logger,
  );
  const accounts = new AccountService(deps.people, repository);
  const oidc =
    config.OIDC_ISSUER_URL && config.OIDC_CLIENT_ID
      ? new OidcService(
          {
            issuer: config.OIDC_ISSUER_URL,
            clientId: config.OIDC_CLIENT_ID,
            clientSecret: config.OIDC_CLIENT_SECRET,
            scopes: config.OIDC_SCOPES,
            roleClaim: config.OIDC_ROLE_CLAIM,
            roleMap: config.OIDC_ROLE_MAP,
            bureauClaim: config.OIDC_BUREAU_CLAIM,
          },
          () => `${deps.publicUrl()}/console/login/oidc/callback`,
          deps.people,
          repository,
          signIn,
          deps.audit,
          platform.logger,
        )
      : null;
  let timer: NodeJS.Timeout | undefined;
  const module: AccountsModule = {
    background: [
      {
        name: 'console-suppressed-refusals',
        start: () => {
          timer = setInterval(() => void signIn.flushSuppressed(), 60_000);
          timer.unref();
        },
        stop: async () => {
          clearInterval(timer);
          await signIn.flushSuppressed(true);
        },
      },
    ],
    services: { signIn, accounts, oidc, people: deps.people },
    routes: accountRoutes(accounts, (token) => `${deps.publicUrl()}${SET_PASSWORD_PATH}?token=${token}`),
    demoSignIns: [],
    init: async () => {
      await repository.init();
      const emails = deps.demoEmails();
      if (config.DEMO_MODE && config.RUN_API && emails.length > 0) {
        module.demoSignIns = await ensureDemoPasswords(
          emails,
          join(config.DATA_DIR, DEMO_PASSWORDS_FILE),
          deps.people,
          accounts,
        );
      }
    },
  };
  return module;
}
