import type { AuditDraft } from '../audit/index.js';
import { updateIf, isDuplicateKeyError, mongoose, type Model } from '../platform/db/index.js';
import { ConflictError, PENDING_JOBS_FIELD, type JobIntent, type Role } from '../platform/index.js';
import type { UserDoc } from './auth.models.js';
import type { User } from './auth.types.js';

const PUBLIC_FIELDS = {
  _id: 1,
  name: 1,
  email: 1,
  role: 1,
  bureauId: 1,
  createdAt: 1,
  disabledAt: 1,
} as const;

function toUser(doc: Omit<UserDoc, 'pendingAudit'>): User {
  return {
    id: doc._id.toHexString(),
    name: doc.name,
    email: doc.email,
    role: doc.role,
    bureauId: doc.bureauId ?? null,
    createdAt: doc.createdAt,
    disabledAt: doc.disabledAt ?? null,
  };
}

/** Filters an administrator may list users by. */
export interface UserFilter {
  bureauId?: string;
  role?: Role;
}

/** Users (people and system accounts). Ids are ObjectId hex strings outside this file. */
export class UserRepository {
  constructor(private readonly model: Model<UserDoc>) {}

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  /** Inserts the user with its audit event in the same document write; the id is chosen first. */
  async insert(user: User, draft: AuditDraft): Promise<User> {
    const { id, ...fields } = user;
    try {
      await this.model.create({ _id: new mongoose.Types.ObjectId(id), ...fields, pendingAudit: [draft] });
    } catch (err) {
      if (isDuplicateKeyError(err))
        throw new ConflictError(`A user with email ${user.email} already exists.`, 'user_exists');
      throw err;
    }
    return user;
  }

  /**
   * Disables (a date) or enables (null) a user that is not already so, with its audit event, as one
   * compare-and-set on the field it changes. Null when the
   * user is missing or already in that state (another administrator was first).
   */
  async setDisabled(
    id: string,
    disabledAt: Date | null,
    draft: AuditDraft,
    jobs: readonly JobIntent[],
  ): Promise<User | null> {
    if (!mongoose.isObjectIdOrHexString(id)) return null;
    // `null` also matches users stored before the field existed, which are enabled.
    const guard = disabledAt ? { disabledAt: null } : { disabledAt: { $ne: null } };
    const done = await updateIf(this.model.collection, new mongoose.Types.ObjectId(id), guard, {
      $set: { disabledAt },
      $push: { pendingAudit: draft, [PENDING_JOBS_FIELD]: { $each: jobs } },
    });
    return done ? this.findById(id) : null;
  }

  async findById(id: string): Promise<User | null> {
    if (!mongoose.isObjectIdOrHexString(id)) return null;
    const doc = await this.model
      .findOne({ _id: new mongoose.Types.ObjectId(id) }, PUBLIC_FIELDS)
      .lean<UserDoc>();
    return doc ? toUser(doc) : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const doc = await this.model.findOne({ email }, PUBLIC_FIELDS).lean<UserDoc>();
    return doc ? toUser(doc) : null;
  }

  async list(filter: UserFilter = {}): Promise<User[]> {
    const query: Record<string, string> = {};
    if (filter.bureauId) query.bureauId = filter.bureauId;
    if (filter.role) query.role = filter.role;
    const docs = await this.model.find(query, PUBLIC_FIELDS).sort({ createdAt: 1 }).lean<UserDoc[]>();
    return docs.map(toUser);
  }
}

/** A fresh user id, chosen before the insert so the audit draft can name it. */
export function newUserId(): string {
  return new mongoose.Types.ObjectId().toHexString();
}
