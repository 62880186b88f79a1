import type { Logger } from 'pino';
import { auditDraft, type AuditDraft } from '../audit/index.js';
import { AuditThrottle, systemActor } from '../auth/index.js';
import { accountEvent, anonymousEvent, personActor, type AuditRecorder } from './account-audit.js';
import type { AccountRepository } from './account.repository.js';
import type { Account, ClientInfo, Person } from './account.types.js';
import { passwordHasher } from './password-hasher.js';
import { checkTotp, matchRecoveryCode } from './second-factor.js';

/** Where sign-in finds people (the auth module's users). */
export interface PeopleDirectory {
  get(id: string): Promise<Person | null>;
  findByEmail(email: string): Promise<Person | null>;
}

export interface SignInOptions {
  lockoutAttempts: number;
  lockoutMinutes: number;
  /** People with a password must enrol a TOTP factor before their first sign-in completes. */
  totpRequired: boolean;
}

/**
 * The password step's answer. Every refusal is the same `refused` (unknown email, disabled user, no
 * password, wrong password, locked account): the page says one thing, the audit trail says which.
 */
export type PasswordOutcome =
  | { kind: 'signed-in'; person: Person }
  | { kind: 'second-factor'; person: Person }
  | { kind: 'enrol'; person: Person }
  | { kind: 'refused' };

export type SecondFactorOutcome =
  { kind: 'signed-in'; person: Person; method: 'totp' | 'recovery-code' } | { kind: 'refused' };

const isLocked = (account: Account, now: Date): boolean =>
  account.lockedUntil !== null && account.lockedUntil > now;

/**
 * Password and second-factor sign-in with lockout: `lockoutAttempts` failures in a row (either step)
 * lock the account for `lockoutMinutes`; a success clears the count. Every sign-in, failure and lockout
 * is an audit event, written with the account change it causes.
 */
export class SignInService {
  /**
   * Refusals that change no account (unknown email, disabled user, no password, locked account) are
   * audited once per client address and minute, the rest counted: guessing emails must not flood the
   * hash chain. Failures against an account are each audited (lockout bounds them).
   */
  private readonly refusals = new AuditThrottle();

  constructor(
    private readonly people: PeopleDirectory,
    private readonly accounts: AccountRepository,
    private readonly audit: AuditRecorder,
    private readonly options: SignInOptions,
    private readonly logger: Logger,
  ) {}

  async password(email: string, password: string, client: ClientInfo): Promise<PasswordOutcome> {
    const person = await this.people.findByEmail(email.trim().toLowerCase());
    const account = person ? await this.accounts.get(person.id) : null;
    if (!person || !person.active || !account?.passwordHash) {
      await passwordHasher.spendVerification(password);
      const reason = !person ? 'unknown_user' : !person.active ? 'disabled' : 'no_password';
      const admitted = this.refusals.admit(`ip:${client.ip}`);
      if (admitted) {
        await this.recordSafely(
          anonymousEvent('auth.signin.failed', email, client, {
            reason,
            step: 'password',
            suppressed: admitted.suppressed,
          }),
        );
      }
      return { kind: 'refused' };
    }
    const now = new Date();
    if (isLocked(account, now)) {
      await passwordHasher.spendVerification(password);
      const admitted = this.refusals.admit(`ip:${client.ip}`);
      if (admitted) {
        await this.recordSafely(
          accountEvent(personActor(person), 'auth.signin.failed', person, client, {
            reason: 'locked',
            step: 'password',
            lockedUntil: account.lockedUntil,
            suppressed: admitted.suppressed,
          }),
        );
      }
      return { kind: 'refused' };
    }
    if (!(await passwordHasher.verify(account.passwordHash, password))) {
      await this.fail(person, client, 'wrong_password', 'password');
      return { kind: 'refused' };
    }
    if (account.totp) return { kind: 'second-factor', person };
    if (this.options.totpRequired) return { kind: 'enrol', person };
    await this.succeed(person, client, 'password');
    return { kind: 'signed-in', person };
  }

  /** The second step: a TOTP code, or one of the recovery codes. */
  async secondFactor(personId: string, code: string, client: ClientInfo): Promise<SecondFactorOutcome> {
    const person = await this.people.get(personId);
    const account = person ? await this.accounts.get(person.id) : null;
    if (!person?.active || !account?.totp) return { kind: 'refused' };
    const now = new Date();
    if (isLocked(account, now)) {
      await this.recordSafely(
        accountEvent(personActor(person), 'auth.signin.failed', person, client, {
          reason: 'locked',
          step: 'second-factor',
        }),
      );
      return { kind: 'refused' };
    }
    const trimmed = code.replace(/\s/g, '');
    const step = await checkTotp(account.totp.secret, trimmed, account.totp.lastStep);
    if (step !== null) {
      // The step is written under the lock and checked again there: a code is good once.
      const accepted = await this.accounts.change(person.id, (current) => {
        if (!current.totp || current.totp.lastStep >= step) return { set: {}, drafts: [], result: false };
        return {
          set: { ...this.successFields(now), totp: { ...current.totp, lastStep: step } },
          drafts: [this.signInEvent(person, client, 'password+totp')],
          result: true,
        };
      });
      if (accepted) return { kind: 'signed-in', person, method: 'totp' };
    } else if (matchRecoveryCode(account.recoveryCodes, trimmed) >= 0) {
      const used = await this.accounts.change(person.id, (current) => {
        const index = matchRecoveryCode(current.recoveryCodes, trimmed);
        if (index < 0) return { set: {}, drafts: [], result: false };
        const recoveryCodes = current.recoveryCodes.map((entry, i) =>
          i === index ? { ...entry, usedAt: now } : entry,
        );
        const left = recoveryCodes.filter((entry) => entry.usedAt === null).length;
        return {
          set: { ...this.successFields(now), recoveryCodes },
          drafts: [this.signInEvent(person, client, 'password+recovery-code', { recoveryCodesLeft: left })],
          result: true,
        };
      });
      if (used) return { kind: 'signed-in', person, method: 'recovery-code' };
    }
    await this.fail(person, client, 'wrong_code', 'second-factor');
    return { kind: 'refused' };
  }

  /** Records a completed sign-in that needed no further step here (password only, or after enrolment). */
  async succeed(person: Person, client: ClientInfo, method: string): Promise<void> {
    await this.accounts.change(person.id, () => ({
      set: this.successFields(new Date()),
      drafts: [this.signInEvent(person, client, method)],
      result: undefined,
    }));
  }

  /** A sign-in through single sign-on: no password, no lockout, the same audit event. */
  async succeedExternally(
    person: Person,
    client: ClientInfo,
    method: string,
    link: Partial<Account>,
  ): Promise<void> {
    await this.accounts.change(person.id, () => ({
      set: { ...link, lastSignInAt: new Date() },
      drafts: [this.signInEvent(person, client, method)],
      result: undefined,
    }));
  }

  /** Records one summary event per address whose window closed with refusals not recorded one by one. */
  async flushSuppressed(includeOpen = false): Promise<void> {
    for (const { source, suppressed, since } of this.refusals.drain(includeOpen)) {
      await this.recordSafely(
        auditDraft(
          systemActor('console'),
          'auth.signin.failed.suppressed',
          { type: 'auth', id: source },
          { data: { suppressed, since } },
        ),
      );
    }
  }

  private successFields(now: Date): Partial<Account> {
    return { failures: 0, lockedUntil: null, lastSignInAt: now };
  }

  private signInEvent(
    person: Person,
    client: ClientInfo,
    method: string,
    data: Record<string, unknown> = {},
  ): AuditDraft {
    return accountEvent(personActor(person), 'auth.signin', person, client, { method, ...data });
  }

  /** Counts a failure; the one that reaches the limit locks the account, audited as a lockout. */
  private async fail(person: Person, client: ClientInfo, reason: string, step: string): Promise<void> {
    const { lockoutAttempts, lockoutMinutes } = this.options;
    await this.accounts.change(person.id, (current) => {
      const failures = current.failures + 1;
      const drafts = [
        accountEvent(personActor(person), 'auth.signin.failed', person, client, { reason, step, failures }),
      ];
      if (failures < lockoutAttempts) return { set: { failures }, drafts, result: undefined };
      const lockedUntil = new Date(Date.now() + lockoutMinutes * 60_000);
      drafts.push(
        accountEvent(personActor(person), 'auth.lockout', person, client, {
          failures,
          lockedUntil: lockedUntil.toISOString(),
        }),
      );
      return { set: { failures: 0, lockedUntil }, drafts, result: undefined };
    });
  }

  private async recordSafely(draft: AuditDraft): Promise<void> {
    try {
      await this.audit.record(draft);
    } catch (err) {
      // The refusal stands either way; losing its event must not turn it into an error page.
      this.logger.error({ err, action: draft.action }, 'could not record sign-in audit event');
    }
  }
}
