import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { ValidationError } from '../platform/index.js';
import { anonymousEvent, type AuditRecorder } from './account-audit.js';
import type { AccountRepository } from './account.repository.js';
import type { ClientInfo, Person } from './account.types.js';
import { mapClaims, type ClaimMapping, type ClaimRefusal } from './oidc-claims.js';
import type { PeopleDirectory, SignInService } from './sign-in.service.js';

export interface OidcSettings extends ClaimMapping {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  scopes: string;
}

/** What the browser's session keeps between the redirect to the issuer and the way back. */
export interface OidcPending {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Creates a person met for the first time through single sign-on (the auth module's users). */
export interface Provisioner {
  provision(input: {
    name: string;
    email: string;
    role: Person['role'];
    bureauId: string | null;
  }): Promise<Person>;
}

export type OidcOutcome =
  | { kind: 'signed-in'; person: Person }
  | {
      kind: 'refused';
      reason: ClaimRefusal | 'disabled' | 'role_changed' | 'unknown_bureau' | 'issuer_error';
    };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * OpenID Connect sign-in (authorization code flow with PKCE, state and nonce) through openid-client.
 * The issuer's metadata is discovered on first use and kept, so an issuer that is down at start does
 * not stop the console. People are matched by their subject, then by email, and created on first sign-in
 * with the role and bureau their claims map to. Plain http is allowed for loopback issuers only (tests).
 */
export class OidcService {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(
    private readonly settings: OidcSettings,
    private readonly redirectUri: () => string,
    private readonly people: PeopleDirectory & Provisioner,
    private readonly accounts: AccountRepository,
    private readonly signIn: SignInService,
    private readonly audit: AuditRecorder,
    private readonly logger: Logger,
  ) {}

  /** Where to send the browser, and what to keep in its session for the way back. */
  async start(): Promise<{ url: string; pending: OidcPending }> {
    const config = await this.discover();
    const pending: OidcPending = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(),
      scope: this.settings.scopes,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, pending };
  }

  /** Completes the sign-in from the issuer's redirect (`currentUrl`, the full callback URL). */
  async complete(currentUrl: URL, pending: OidcPending, client: ClientInfo): Promise<OidcOutcome> {
    let claims: Record<string, unknown>;
    try {
      const config = await this.discover();
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
    } catch (err) {
      this.logger.warn({ err }, 'OIDC sign-in failed at the issuer exchange');
      await this.refusedEvent('', client, 'issuer_error');
      return { kind: 'refused', reason: 'issuer_error' };
    }
    const mapped = mapClaims(claims, this.settings);
    const presented =
      typeof claims.email === 'string' ? claims.email : typeof claims.sub === 'string' ? claims.sub : '';
    if (!mapped.ok) {
      await this.refusedEvent(presented, client, mapped.reason);
      return { kind: 'refused', reason: mapped.reason };
    }
    const subject = `${this.settings.issuer}|${String(claims.sub)}`;
    const linked = await this.accounts.findByOidcSubject(subject);
    let person = linked ? await this.people.get(linked.userId) : await this.people.findByEmail(mapped.email);
    if (!person) {
      try {
        const { name, email, role, bureauId } = mapped;
        person = await this.people.provision({ name, email, role, bureauId });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        await this.refusedEvent(presented, client, 'unknown_bureau');
        return { kind: 'refused', reason: 'unknown_bureau' };
      }
    }
    if (!person.active) {
      await this.refusedEvent(presented, client, 'disabled');
      return { kind: 'refused', reason: 'disabled' };
    }
    // The user record holds the role every check reads; claims that now say otherwise are refused
    // until an administrator changes the user, rather than silently widening or narrowing access here.
    if (person.role !== mapped.role || (mapped.role === 'reporter' && person.bureauId !== mapped.bureauId)) {
      await this.refusedEvent(presented, client, 'role_changed');
      return { kind: 'refused', reason: 'role_changed' };
    }
    await this.signIn.succeedExternally(person, client, 'oidc', { oidcSubject: subject });
    return { kind: 'signed-in', person };
  }

  private discover(): Promise<oidc.Configuration> {
    this.configuration ??= (async () => {
      const issuer = new URL(this.settings.issuer);
      const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
      return oidc.discovery(
        issuer,
        this.settings.clientId,
        this.settings.clientSecret,
        undefined,
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- plain http to a loopback issuer only (tests, local trials)
        insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
    })().catch((err: unknown) => {
      this.configuration = undefined; // try again on the next sign-in
      throw err;
    });
    return this.configuration;
  }

  private async refusedEvent(presented: string, client: ClientInfo, reason: string): Promise<void> {
    try {
      await this.audit.record(
        anonymousEvent('auth.signin.failed', presented, client, { reason, method: 'oidc' }),
      );
    } catch (err) {
      this.logger.error({ err }, 'could not record sign-in audit event');
    }
  }
}
