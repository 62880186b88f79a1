import { mongoose, type Connection, type Model } from '../platform/db/index.js';
import type { AuditDraft } from '../audit/index.js';
import type { Language, RecoveryCode, TotpFactor } from './account.types.js';

/** The collection, also what the audit relay is told to drain. */
export const ACCOUNTS_COLLECTION = 'user_accounts';

export interface AccountDoc {
  /** The user id (ObjectId hex of the auth module's user). */
  _id: string;
  passwordHash: string | null;
  passwordSetAt: Date | null;
  totp: TotpFactor | null;
  recoveryCodes: RecoveryCode[];
  failures: number;
  lockedUntil: Date | null;
  sessionsValidFrom: Date | null;
  reset: { tokenHash: string; expiresAt: Date } | null;
  oidcSubject: string | null;
  language: Language | null;
  lastSignInAt: Date | null;
  /** Bumped by every change (the compare-and-set guard); missing on accounts never changed since. */
  version?: number;
  pendingAudit: AuditDraft[];
}

const accountSchema = new mongoose.Schema(
  {
    // `_id` is the user id: every sign-in step is then an `_id` lookup (FerretDB v1 indexes those).
    _id: { type: String, required: true },
    passwordHash: { type: String, default: null },
    passwordSetAt: { type: Date, default: null },
    totp: { type: mongoose.Schema.Types.Mixed, default: null },
    recoveryCodes: { type: [mongoose.Schema.Types.Mixed], default: [] },
    failures: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    sessionsValidFrom: { type: Date, default: null },
    reset: { type: mongoose.Schema.Types.Mixed, default: null },
    oidcSubject: { type: String, default: null, index: true },
    language: { type: String, default: null },
    lastSignInAt: { type: Date, default: null },
    // No default: an upsert's defaults would collide with the `$inc` that sets it.
    version: { type: Number },
    pendingAudit: { type: [mongoose.Schema.Types.Mixed], default: [] },
  },
  { collection: ACCOUNTS_COLLECTION, versionKey: false, strict: 'throw' },
);

export function accountModel(db: Connection): Model<AccountDoc> {
  return (
    (db.models.UserAccount as Model<AccountDoc> | undefined) ??
    db.model<AccountDoc>('UserAccount', accountSchema)
  );
}
