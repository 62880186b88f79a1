import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../auth/index.js';
import { NotFoundError, ValidationError } from '../platform/index.js';
import { accountEvent, personActor } from './account-audit.js';
import type { AccountRepository } from './account.repository.js';
import type { Account, ClientInfo, Language, Person } from './account.types.js';
import { passwordHasher } from './password-hasher.js';
import {
  checkTotp,
  newRecoveryCodes,
  newTotpEnrolment,
  totpFactor,
  type TotpEnrolment,
} from './second-factor.js';
import type { PeopleDirectory } from './sign-in.service.js';

/** How long an administrator's set-password link works. */
export const RESET_LINK_HOURS = 24;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A set-password link's token: the user id, a dot, and 32 random bytes (only their hash is stored). */
function parseResetToken(token: string): { userId: string; secret: string } | null {
  const match = /^([0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { userId: match[1], secret: match[2] } : null;
}

/** The field problems of a new password, by the form field `field`. */
export function passwordProblems(password: string, person: Person, field: string): ValidationError | null {
  if (password.length < PASSWORD_MIN)
    return new ValidationError([{ path: field, message: `must be at least ${PASSWORD_MIN} characters` }]);
  if (password.length > PASSWORD_MAX)
    return new ValidationError([{ path: field, message: `must be at most ${PASSWORD_MAX} characters` }]);
  if (password.trim().toLowerCase() === person.email)
    return new ValidationError([{ path: field, message: 'must not be your email address' }]);
  return null;
}

/**
 * A person's account outside the sign-in steps: TOTP enrolment and recovery codes, the language,
 * administrators' resets and the set-password link they hand out. Every change is audited.
 */
export class AccountService {
  constructor(
    private readonly people: PeopleDirectory,
    private readonly accounts: AccountRepository,
  ) {}

  get(userId: string): Promise<Account | null> {
    return this.accounts.get(userId);
  }

  /**
   * A secret (fresh, or the one of an enrolment under way) and its QR code; nothing is stored until
   * `confirmTotp` sees a code from it.
   */
  beginTotp(person: Person, secret?: string): Promise<TotpEnrolment> {
    return newTotpEnrolment(person.email, secret);
  }

  /**
   * Stores the factor once `code` proves the app holds `secret`, replacing any earlier factor, with ten
   * new recovery codes; returns the codes to show once. 422 on `code` when it does not match.
   */
  async confirmTotp(person: Person, secret: string, code: string, client: ClientInfo): Promise<string[]> {
    const step = await checkTotp(secret, code.replace(/\s/g, ''));
    if (step === null) {
      throw new ValidationError([
        { path: 'code', message: 'does not match: enter the current code from the app' },
      ]);
    }
    const codes = newRecoveryCodes();
    await this.accounts.change(person.id, (current) => ({
      set: { totp: totpFactor(secret, step, new Date()), recoveryCodes: codes.stored },
      drafts: [
        accountEvent(personActor(person), 'auth.totp.enrolled', person, client, {
          replaced: current.totp !== null,
        }),
      ],
      result: undefined,
    }));
    return codes.plain;
  }

  async setLanguage(person: Person, language: Language): Promise<void> {
    await this.accounts.change(person.id, (current) =>
      current.language === language
        ? { set: {}, drafts: [], result: undefined }
        : {
            set: { language },
            drafts: [
              accountEvent(personActor(person), 'account.language.set', person, null, {
                before: current.language,
                after: language,
              }),
            ],
            result: undefined,
          },
    );
  }

  /**
   * An administrator's reset: the password stops working at once, the lockout ends, sessions signed
   * in before now end at their next request, and optionally the second factor goes (a lost phone).
   * Returns the one-time token of a set-password link valid for {@link RESET_LINK_HOURS} hours.
   */
  async reset(
    actor: Actor,
    userId: string,
    options: { resetTotp: boolean },
  ): Promise<{ token: string; expiresAt: Date }> {
    const person = await this.people.get(userId);
    if (!person) throw new NotFoundError('User');
    const secret = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + RESET_LINK_HOURS * 3_600_000);
    await this.accounts.change(person.id, (current) => ({
      set: {
        passwordHash: null,
        passwordSetAt: null,
        failures: 0,
        lockedUntil: null,
        sessionsValidFrom: now,
        reset: { tokenHash: sha256(secret), expiresAt },
        ...(options.resetTotp ? { totp: null, recoveryCodes: [] } : {}),
      },
      drafts: [
        accountEvent(actor, 'auth.password.reset', person, null, {
          resetTotp: options.resetTotp,
          hadTotp: current.totp !== null,
          linkExpiresAt: expiresAt.toISOString(),
        }),
      ],
      result: undefined,
    }));
    return { token: `${person.id}.${secret}`, expiresAt };
  }

  /** Whose link `token` is, while it is valid; null otherwise (used, replaced, expired, made up). */
  async resetHolder(token: string): Promise<Person | null> {
    const parsed = parseResetToken(token);
    if (!parsed) return null;
    const account = await this.accounts.get(parsed.userId);
    if (!account?.reset || account.reset.expiresAt <= new Date()) return null;
    if (!timingSafeEqual(Buffer.from(account.reset.tokenHash), Buffer.from(sha256(parsed.secret))))
      return null;
    const person = await this.people.get(parsed.userId);
    return person?.active ? person : null;
  }

  /** Sets the password through a set-password link; the link works once. 404 when it no longer works. */
  async setPasswordWithToken(token: string, password: string, client: ClientInfo): Promise<Person> {
    const person = await this.resetHolder(token);
    if (!person) throw new NotFoundError('Set-password link');
    const problems = passwordProblems(password, person, 'password');
    if (problems) throw problems;
    const hash = await passwordHasher.hash(password);
    const tokenHash = sha256(parseResetToken(token)?.secret ?? '');
    const set = await this.accounts.change(person.id, (current) => {
      if (current.reset?.tokenHash !== tokenHash) return { set: {}, drafts: [], result: false };
      const now = new Date();
      return {
        set: { passwordHash: hash, passwordSetAt: now, reset: null, sessionsValidFrom: now },
        drafts: [
          accountEvent(personActor(person), 'auth.password.set', person, client, { via: 'reset-link' }),
        ],
        result: true,
      };
    });
    if (!set) throw new NotFoundError('Set-password link');
    return person;
  }

  /** Sets a password directly (demo seed, CLI): audited as set by `actor`. */
  async setPassword(actor: Actor, person: Person, password: string): Promise<void> {
    const problems = passwordProblems(password, person, 'password');
    if (problems) throw problems;
    const hash = await passwordHasher.hash(password);
    await this.accounts.change(person.id, () => {
      const now = new Date();
      return {
        set: { passwordHash: hash, passwordSetAt: now, reset: null, sessionsValidFrom: now },
        drafts: [accountEvent(actor, 'auth.password.set', person, null, { via: 'direct' })],
        result: undefined,
      };
    });
  }

  /** True when `password` is the person's current password (demo seed: is the stored one still set?). */
  async passwordIs(userId: string, password: string): Promise<boolean> {
    const account = await this.accounts.get(userId);
    return account?.passwordHash ? passwordHasher.verify(account.passwordHash, password) : false;
  }
}
