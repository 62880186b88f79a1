import type { AuditDraft } from '../audit/index.js';
import { isDuplicateKeyError, type Model } from '../platform/db/index.js';
import { ConflictError } from '../platform/errors.js';
import type { BureauDoc } from './auth.models.js';
import type { Bureau } from './auth.types.js';

const PUBLIC_FIELDS = { _id: 0, code: 1, name: 1, regimes: 1, contacts: 1, createdAt: 1 } as const;

function toBureau(doc: Pick<BureauDoc, keyof Bureau>): Bureau {
  return {
    code: doc.code,
    name: doc.name,
    regimes: [...doc.regimes],
    contacts: doc.contacts.map(({ name, email, role }) => ({ name, email, role })),
    createdAt: doc.createdAt,
  };
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

  async findByCode(code: string): Promise<Bureau | null> {
    const doc = await this.model.findOne({ _id: code }, PUBLIC_FIELDS).lean<BureauDoc>();
    return doc ? toBureau(doc) : null;
  }

  async list(): Promise<Bureau[]> {
    const docs = await this.model.find({}, PUBLIC_FIELDS).sort({ code: 1 }).lean<BureauDoc[]>();
    return docs.map(toBureau);
  }
}
