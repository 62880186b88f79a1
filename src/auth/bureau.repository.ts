import type { AuditDraft } from '../audit/index.js';
import {
  isDuplicateKeyError,
  readDecideWrite,
  trusted,
  type Decision,
  versionIs,
  type Model,
} from '../platform/db/index.js';
import { ConflictError } from '../platform/index.js';
import type { BureauDoc } from './auth.models.js';
import type { Bureau } from './auth.types.js';

const PUBLIC_FIELDS = {
  _id: 0,
  code: 1,
  name: 1,
  regimes: 1,
  contacts: 1,
  createdAt: 1,
  active: 1,
  deactivatedAt: 1,
  contactsConfirmedAt: 1,
  contactsConfirmedBy: 1,
} as const;

function toBureau(doc: Omit<BureauDoc, 'pendingAudit'>): Bureau {
  return {
    code: doc.code,
    name: doc.name,
    regimes: [...doc.regimes],
    contacts: doc.contacts.map(({ name, email, role, phone, roundTheClock }) => ({
      name,
      email,
      role,
      // Only when set, so contacts stored before these fields compare equal to what was written.
      ...(phone ? { phone } : {}),
      ...(roundTheClock ? { roundTheClock } : {}),
    })),
    createdAt: doc.createdAt,
    active: doc.active !== false,
    deactivatedAt: doc.deactivatedAt ?? null,
    contactsConfirmedAt: doc.contactsConfirmedAt ?? null,
    contactsConfirmedBy: doc.contactsConfirmedBy
      ? {
          userId: doc.contactsConfirmedBy.userId,
          name: doc.contactsConfirmedBy.name,
          role: doc.contactsConfirmedBy.role,
        }
      : null,
  };
}

/** Fields an update may set (the code is the bureau's id and never changes). */
export type BureauChange = Partial<
  Pick<
    Bureau,
    | 'name'
    | 'regimes'
    | 'contacts'
    | 'active'
    | 'deactivatedAt'
    | 'contactsConfirmedAt'
    | 'contactsConfirmedBy'
  >
>;

/** What an update decided from the current bureau: the fields to set and their audit event. */
export interface BureauDecision {
  set: BureauChange;
  draft: AuditDraft;
}

/** Bureaux, by code (also their `_id`). Not bureau-scoped: every caller may know which bureaux exist. */
export class BureauRepository {
  constructor(private readonly model: Model<BureauDoc>) {}

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  /** Inserts the bureau with its audit event in the same document write. */
  async insert(bureau: Bureau, draft: AuditDraft): Promise<Bureau> {
    try {
      await this.model.create({ ...bureau, _id: bureau.code, pendingAudit: [draft] });
    } catch (err) {
      if (isDuplicateKeyError(err))
        throw new ConflictError(`Bureau ${bureau.code} already exists.`, 'bureau_exists');
      throw err;
    }
    return bureau;
  }

  /**
   * Reads the bureau, lets `decide` choose the change (null: nothing to do) and writes it with its
   * audit event, on the version it read (re-read and decided again when another edit came first): two
   * administrators' edits cannot interleave. Null when the bureau does not exist; the bureau as it now
   * stands otherwise.
   */
  async update(code: string, decide: (current: Bureau) => BureauDecision | null): Promise<Bureau | null> {
    return readDecideWrite({
      read: () => this.model.findOne({ _id: code }, { ...PUBLIC_FIELDS, version: 1 }).lean<BureauDoc>(),
      decide: (doc): Decision<{ current: Bureau; decision: BureauDecision }, Bureau | null> => {
        if (!doc) return { done: null };
        const current = toBureau(doc);
        const decision = decide(current);
        return decision ? { write: { current, decision } } : { done: current };
      },
      write: async ({ current, decision }, doc) => {
        const { matchedCount } = await this.model.updateOne(
          { _id: code, version: trusted(versionIs(doc?.version)) },
          trusted({ $set: decision.set, $inc: { version: 1 }, $push: { pendingAudit: decision.draft } }),
        );
        return matchedCount === 1 ? { ...current, ...decision.set } : null;
      },
      attempts: 10,
      exhausted: () => new ConflictError(`Bureau ${code} kept changing; try again.`, 'bureau_busy'),
    });
  }

  async findByCode(code: string): Promise<Bureau | null> {
    const doc = await this.model.findOne({ _id: code }, PUBLIC_FIELDS).lean<BureauDoc>();
    return doc ? toBureau(doc) : null;
  }

  async list(): Promise<Bureau[]> {
    const docs = await this.model.find({}, PUBLIC_FIELDS).sort({ code: 1 }).lean<BureauDoc[]>();
    return docs.map(toBureau);
  }
}
