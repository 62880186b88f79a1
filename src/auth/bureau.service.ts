import { LRUCache } from 'lru-cache';
import { auditDraft } from '../audit/index.js';
import { NotFoundError } from '../platform/errors.js';
import type { Actor } from './actor.js';
import type { CreateBureauInput } from './auth.schemas.js';
import type { Bureau } from './auth.types.js';
import type { BureauRepository } from './bureau.repository.js';

/** Bureaux: created by administrators, read by every module that needs a bureau's regimes or contacts. */
export class BureauService {
  /**
   * Bureaux found lately: triage and notification routing look one up per report. Only hits are kept,
   * so a bureau created in another process is found at once; a change elsewhere shows within the TTL.
   */
  private readonly found = new LRUCache<string, Bureau>({ max: 1000, ttl: 10_000 });

  constructor(private readonly repository: BureauRepository) {}

  /** Creates a bureau; 409 `bureau_exists` when the code is taken. Audited as `bureau.created`. */
  async create(actor: Actor, input: CreateBureauInput): Promise<Bureau> {
    const bureau: Bureau = { ...input, createdAt: new Date() };
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
}
