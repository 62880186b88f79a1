import { LRUCache } from 'lru-cache';
import { auditDraft, type AuditChange } from '../audit/index.js';
import { ForbiddenError, NotFoundError, ValidationError, type Actor, roleHas } from '../platform/index.js';
import { parseOrThrow } from '../platform/http/index.js';
import {
  bureauContactsSchema,
  type BureauContactsInput,
  type CreateBureauInput,
  type UpdateBureauInput,
} from './auth.schemas.js';
import type { Bureau, BureauContact, ContactsConfirmer } from './auth.types.js';
import type { BureauDecision, BureauRepository } from './bureau.repository.js';

/** The regimes the installed policy packs implement (the triage module's `knownRegimes`). */
export type KnownRegimes = () => readonly string[];

const EDITABLE = ['name', 'regimes', 'contacts'] as const;

/** G3 18.1: every bureau names two contacts reachable round the clock. */
export const ROUND_THE_CLOCK_REQUIRED = 2;
/** Contacts not confirmed as current for this many days are due for confirmation. */
export const CONTACTS_CONFIRM_DAYS = 180;

/** Where a bureau stands on its contacts: G3 18.1's two round-the-clock contacts, and confirmation. */
export interface ContactsStanding {
  roundTheClock: number;
  meetsRoundTheClock: boolean;
  /** Never confirmed, or confirmed more than {@link CONTACTS_CONFIRM_DAYS} days ago. */
  confirmationDue: boolean;
  /** When confirmation is (or was) due: confirmed time + 180 days; null when never confirmed. */
  confirmDueAt: Date | null;
}

/** The standing of `bureau`'s contacts at `now`. */
export function contactsStanding(bureau: Bureau, now = new Date()): ContactsStanding {
  const roundTheClock = bureau.contacts.filter((c) => c.roundTheClock === true).length;
  const confirmDueAt = bureau.contactsConfirmedAt
    ? new Date(bureau.contactsConfirmedAt.getTime() + CONTACTS_CONFIRM_DAYS * 86_400_000)
    : null;
  return {
    roundTheClock,
    meetsRoundTheClock: roundTheClock >= ROUND_THE_CLOCK_REQUIRED,
    confirmationDue: confirmDueAt === null || confirmDueAt.getTime() <= now.getTime(),
    confirmDueAt,
  };
}

const confirmerOf = (actor: Actor): ContactsConfirmer => ({
  userId: actor.userId,
  name: actor.name,
  role: actor.role,
});

/** Bureaux: created by administrators, read by every module that needs a bureau's regimes or contacts. */
export class BureauService {
  /**
   * Bureaux found lately: triage and notification routing look one up per report. Only hits are kept,
   * so a bureau created in another process is found at once; a change made here is seen here at once,
   * a change made in another process shows within the TTL.
   */
  private readonly found = new LRUCache<string, Bureau>({ max: 1000, ttl: 10_000 });

  constructor(
    private readonly repository: BureauRepository,
    private readonly knownRegimes: KnownRegimes,
  ) {}

  /**
   * Creates a bureau; 422 naming each regime no installed policy pack implements (a bureau under an
   * unknown regime would silently get none of its clocks), 409 `bureau_exists` when the code is taken.
   * Audited as `bureau.created`.
   */
  async create(actor: Actor, input: CreateBureauInput): Promise<Bureau> {
    this.checkRegimes(input.regimes);
    const bureau: Bureau = {
      ...input,
      createdAt: new Date(),
      active: true,
      deactivatedAt: null,
      contactsConfirmedAt: null,
      contactsConfirmedBy: null,
    };
    const draft = auditDraft(
      actor,
      'bureau.created',
      { type: 'bureau', id: bureau.code, ref: bureau.name },
      {
        bureauId: bureau.code,
        changes: [{ field: 'bureau', before: null, after: { ...input } }],
      },
    );
    return this.repository.insert(bureau, draft);
  }

  /**
   * Replaces the fields given (name, regimes, contacts); audited as `bureau.updated` with each changed
   * field before and after. An edit that changes nothing writes nothing. 404 when there is no bureau.
   */
  async update(actor: Actor, code: string, input: UpdateBureauInput): Promise<Bureau> {
    if (input.regimes) this.checkRegimes(input.regimes);
    return this.change(code, (current) => {
      const changes: AuditChange[] = EDITABLE.filter(
        (field) =>
          input[field] !== undefined && JSON.stringify(input[field]) !== JSON.stringify(current[field]),
      ).map((field) => ({ field, before: current[field], after: input[field] }));
      if (changes.length === 0) return null;
      const set = Object.fromEntries(changes.map((c) => [c.field, c.after]));
      return {
        set,
        draft: auditDraft(
          actor,
          'bureau.updated',
          { type: 'bureau', id: code, ref: input.name ?? current.name },
          { bureauId: code, changes },
        ),
      };
    });
  }

  /**
   * Deactivates (`active: false`) or reactivates a bureau. A deactivated bureau files no new reports;
   * its incidents, users and history stay as they are. Asking for the state it is in changes nothing.
   * Audited as `bureau.deactivated` / `bureau.reactivated`. 404 when there is no bureau.
   */
  async setActive(actor: Actor, code: string, active: boolean): Promise<Bureau> {
    return this.change(code, (current) => {
      if (current.active === active) return null;
      const deactivatedAt = active ? null : new Date();
      return {
        set: { active, deactivatedAt },
        draft: auditDraft(
          actor,
          active ? 'bureau.reactivated' : 'bureau.deactivated',
          { type: 'bureau', id: code, ref: current.name },
          {
            bureauId: code,
            changes: [
              { field: 'active', before: current.active, after: active },
              { field: 'deactivatedAt', before: current.deactivatedAt, after: deactivatedAt },
            ],
          },
        ),
      };
    });
  }

  /**
   * The bureau whose contacts `actor` may see and change: a reporter their own bureau only (another
   * bureau is a 404, as if it did not exist), an administrator any bureau; other roles 403.
   */
  async organisation(actor: Actor, code: string): Promise<Bureau> {
    this.mayManageContacts(actor, code);
    return this.requireBureau(code);
  }

  /**
   * Replaces the bureau's contacts (checked against the contacts schema: 422 naming each field).
   * Whoever saves them has just reviewed them, so the save also records them as confirmed. Audited as
   * `bureau.contacts.updated` with the contacts and the confirmation before and after, in the same
   * write; saving the contacts as they are writes nothing. Scoped as {@link organisation}.
   */
  async updateContacts(actor: Actor, code: string, input: BureauContactsInput): Promise<Bureau> {
    this.mayManageContacts(actor, code);
    const { contacts } = parseOrThrow(bureauContactsSchema, input, 'body');
    return this.change(code, (current) => {
      if (sameContacts(current.contacts, contacts)) return null;
      const at = new Date();
      const by = confirmerOf(actor);
      return {
        set: { contacts, contactsConfirmedAt: at, contactsConfirmedBy: by },
        draft: auditDraft(
          actor,
          'bureau.contacts.updated',
          { type: 'bureau', id: code, ref: current.name },
          {
            bureauId: code,
            changes: [
              { field: 'contacts', before: current.contacts, after: contacts },
              { field: 'contactsConfirmedAt', before: current.contactsConfirmedAt, after: at },
              { field: 'contactsConfirmedBy', before: current.contactsConfirmedBy, after: by },
            ],
          },
        ),
      };
    });
  }

  /**
   * Records that `actor` confirmed the bureau's contacts are current (every time: each confirmation
   * is a fact of its own). Audited as `bureau.contacts.confirmed`. Scoped as {@link organisation}.
   */
  async confirmContacts(actor: Actor, code: string): Promise<Bureau> {
    this.mayManageContacts(actor, code);
    return this.change(code, (current) => {
      const at = new Date();
      const by = confirmerOf(actor);
      return {
        set: { contactsConfirmedAt: at, contactsConfirmedBy: by },
        draft: auditDraft(
          actor,
          'bureau.contacts.confirmed',
          { type: 'bureau', id: code, ref: current.name },
          {
            bureauId: code,
            changes: [
              { field: 'contactsConfirmedAt', before: current.contactsConfirmedAt, after: at },
              { field: 'contactsConfirmedBy', before: current.contactsConfirmedBy, after: by },
            ],
            data: { contacts: current.contacts.length },
          },
        ),
      };
    });
  }

  /** The bureau with this code, or null. */
  async getBureau(code: string): Promise<Bureau | null> {
    const cached = this.found.get(code);
    if (cached) return cached;
    const bureau = await this.repository.findByCode(code);
    if (bureau) this.found.set(code, bureau);
    return bureau;
  }

  /** The bureau with this code; 404 when there is none. */
  async requireBureau(code: string): Promise<Bureau> {
    const bureau = await this.repository.findByCode(code);
    if (!bureau) throw new NotFoundError(`Bureau ${code}`);
    return bureau;
  }

  list(): Promise<Bureau[]> {
    return this.repository.list();
  }

  private async change(code: string, decide: (current: Bureau) => BureauDecision | null): Promise<Bureau> {
    const bureau = await this.repository.update(code, decide);
    // Dropped even when nothing changed: the cached copy may be older than what was just read.
    this.found.delete(code);
    if (!bureau) throw new NotFoundError(`Bureau ${code}`);
    return bureau;
  }

  /** Reporters of the bureau and administrators; a reporter of another bureau gets a 404, others 403. */
  private mayManageContacts(actor: Actor, code: string): void {
    if (actor.role === 'reporter') {
      if (actor.bureauId !== code) throw new NotFoundError(`Bureau ${code}`);
      return;
    }
    if (actor.role !== 'system' && roleHas(actor.role, 'admin.bureaux')) return;
    throw new ForbiddenError('Only the bureau’s reporters and administrators manage its contacts.');
  }

  /** 422 naming each regime (by its index) that no installed policy pack implements. */
  private checkRegimes(regimes: readonly string[]): void {
    const known = this.knownRegimes();
    const problems = regimes.flatMap((regime, index) =>
      known.includes(regime)
        ? []
        : [
            {
              path: `body.regimes.${index}`,
              message: `unknown regime "${regime}": the installed policy packs know ${known.join(', ')}`,
            },
          ],
    );
    if (problems.length > 0) throw new ValidationError(problems, 'A bureau can only name known regimes.');
  }
}

/** Same people with the same details, in the same order (optional fields absent or unset alike). */
function sameContacts(a: readonly BureauContact[], b: readonly BureauContact[]): boolean {
  const norm = (c: BureauContact) => [c.name, c.email, c.role, c.phone ?? '', c.roundTheClock === true];
  return JSON.stringify(a.map(norm)) === JSON.stringify(b.map(norm));
}
