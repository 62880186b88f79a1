import { mongoose, type Connection, type Model } from '../platform/db/index.js';
import type { AuditDraft } from '../audit/index.js';
import type { BureauContact, ContactsConfirmer } from './auth.types.js';
import type { Role } from '../platform/index.js';

/** Collection names, also what the audit relay is told to drain. */
export const AUTH_COLLECTIONS = { bureaux: 'bureaux', users: 'users', apiKeys: 'api_keys' } as const;

export interface BureauDoc {
  code: string;
  name: string;
  regimes: string[];
  contacts: BureauContact[];
  createdAt: Date;
  /** Missing on bureaux stored before deactivation existed: read as active. */
  active?: boolean;
  deactivatedAt?: Date | null;
  /** Missing on bureaux stored before confirmation existed: read as never confirmed. */
  contactsConfirmedAt?: Date | null;
  contactsConfirmedBy?: ContactsConfirmer | null;
  /** Bumped by every update (the compare-and-set guard); missing on bureaux never updated since. */
  version?: number;
  pendingAudit: AuditDraft[];
}

export interface UserDoc {
  _id: mongoose.Types.ObjectId;
  name: string;
  email: string;
  role: Role;
  bureauId: string | null;
  createdAt: Date;
  /** Missing on users stored before disabling existed: read as enabled. */
  disabledAt?: Date | null;
  pendingAudit: AuditDraft[];
}

export interface ApiKeyDoc {
  keyId: string;
  secretHash: Buffer;
  userId: string;
  label: string;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  pendingAudit: AuditDraft[];
}

// Drafts are plain objects whose shape the audit module owns: stored as they come (mixed array).
const outbox = { type: [mongoose.Schema.Types.Mixed], default: [] };

const bureauSchema = new mongoose.Schema(
  {
    // `_id` is the code: every report looks its bureau up, and FerretDB v1 indexes `_id` lookups only.
    _id: { type: String, required: true },
    code: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    regimes: { type: [String], default: [] },
    contacts: {
      type: [
        new mongoose.Schema(
          { name: String, email: String, role: String, phone: String, roundTheClock: Boolean },
          { _id: false },
        ),
      ],
      default: [],
    },
    createdAt: { type: Date, required: true },
    active: { type: Boolean, default: true },
    deactivatedAt: { type: Date, default: null },
    contactsConfirmedAt: { type: Date, default: null },
    contactsConfirmedBy: {
      type: new mongoose.Schema({ userId: String, name: String, role: String }, { _id: false }),
      default: null,
    },
    version: { type: Number, default: 0 },
    pendingAudit: outbox,
  },
  { collection: AUTH_COLLECTIONS.bureaux, versionKey: false, strict: 'throw' },
);

const userSchema = new mongoose.Schema(
  {
    name: { type: String, required: true },
    email: { type: String, required: true, unique: true },
    role: { type: String, required: true },
    bureauId: { type: String, default: null, index: true },
    createdAt: { type: Date, required: true },
    disabledAt: { type: Date, default: null },
    pendingAudit: outbox,
  },
  { collection: AUTH_COLLECTIONS.users, versionKey: false, strict: 'throw' },
);

const apiKeySchema = new mongoose.Schema(
  {
    // `_id` is the key id: authentication is then an `_id` lookup, the one FerretDB v1 serves by index.
    _id: { type: String, required: true },
    keyId: { type: String, required: true, unique: true },
    secretHash: { type: Buffer, required: true },
    userId: { type: String, required: true, index: true },
    label: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    lastUsedAt: { type: Date, default: null },
    pendingAudit: outbox,
  },
  { collection: AUTH_COLLECTIONS.apiKeys, versionKey: false, strict: 'throw' },
);

/** The auth module's models on one connection (tests and the CLI hold connections of their own). */
export interface AuthModels {
  bureaux: Model<BureauDoc>;
  users: Model<UserDoc>;
  apiKeys: Model<ApiKeyDoc>;
}

export function authModels(db: Connection): AuthModels {
  return {
    bureaux:
      (db.models.Bureau as Model<BureauDoc> | undefined) ?? db.model<BureauDoc>('Bureau', bureauSchema),
    users: (db.models.User as Model<UserDoc> | undefined) ?? db.model<UserDoc>('User', userSchema),
    apiKeys:
      (db.models.ApiKey as Model<ApiKeyDoc> | undefined) ?? db.model<ApiKeyDoc>('ApiKey', apiKeySchema),
  };
}
