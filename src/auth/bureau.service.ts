import { LRUCache } from 'lru-cache';
import { auditDraft, type AuditChange } from '../audit/index.js';
import { NotFoundError, ValidationError } from '../platform/errors.js';
import type { Actor } from './actor.js';
import type { CreateBureauInput, UpdateBureauInput } from './auth.schemas.js';
import type { Bureau } from './auth.types.js';
import type { BureauDecision, BureauRepository } from './bureau.repository.js';

/** The regimes the installed policy packs implement (the triage module's `knownRegimes`). */
export type KnownRegimes = () => readonly string[];

const EDITABLE = ['name', 'regimes', 'contacts'] as const;

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
    const bureau: Bureau = { ...input, createdAt: new Date(), active: true, deactivatedAt: null };
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
