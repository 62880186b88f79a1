import type { AuditDraft } from '../audit/index.js';
import { updateIf, type Model } from '../platform/db/index.js';
import { PENDING_JOBS_FIELD, type JobIntent } from '../platform/index.js';
import type { ApiKeyDoc } from './auth.models.js';
import type { ApiKeyInfo, StoredApiKey } from './auth.types.js';

const INFO_FIELDS = {
  _id: 0,
  keyId: 1,
  userId: 1,
  label: 1,
  createdAt: 1,
  createdBy: 1,
  expiresAt: 1,
  revokedAt: 1,
  lastUsedAt: 1,
} as const;

function toInfo(doc: Omit<ApiKeyDoc, 'pendingAudit' | 'secretHash'>): ApiKeyInfo {
  return {
    keyId: doc.keyId,
    userId: doc.userId,
    label: doc.label,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
    expiresAt: doc.expiresAt,
    revokedAt: doc.revokedAt ?? null,
    lastUsedAt: doc.lastUsedAt ?? null,
  };
}

/** Bytes of a stored hash, whichever way the driver hands back BSON binary data. */
function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer?: Uint8Array };
  if (binary.buffer instanceof Uint8Array) return Buffer.from(binary.buffer);
  throw new Error('api key hash is not binary');
}

/**
 * API keys by their public key id, which is also the `_id`. Holds hashes of secrets, never secrets.
 * Revoking is a compare-and-set on `revokedAt`, so a key is revoked (and audited) once.
 */
export class ApiKeyRepository {
  constructor(private readonly model: Model<ApiKeyDoc>) {}

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  /** Inserts the key with its audit event in the same document write. */
  async insert(key: StoredApiKey, draft: AuditDraft): Promise<ApiKeyInfo> {
    await this.model.create({ ...key, _id: key.keyId, pendingAudit: [draft] });
    return toInfo(key);
  }

  /** The key with its secret hash, for authentication only. */
  async findForAuthentication(keyId: string): Promise<StoredApiKey | null> {
    const doc = await this.model.findOne({ _id: keyId }, { ...INFO_FIELDS, secretHash: 1 }).lean<ApiKeyDoc>();
    return doc ? { ...toInfo(doc), secretHash: toBuffer(doc.secretHash) } : null;
  }

  async findByKeyId(keyId: string): Promise<ApiKeyInfo | null> {
    const doc = await this.model.findOne({ _id: keyId }, INFO_FIELDS).lean<ApiKeyDoc>();
    return doc ? toInfo(doc) : null;
  }

  async list(filter: { userId?: string } = {}): Promise<ApiKeyInfo[]> {
    const query = filter.userId ? { userId: filter.userId } : {};
    const docs = await this.model.find(query, INFO_FIELDS).sort({ createdAt: 1 }).lean<ApiKeyDoc[]>();
    return docs.map(toInfo);
  }

  /** Revokes a key that is not yet revoked, with its audit event; null when there was nothing to do. */
  async revoke(
    keyId: string,
    at: Date,
    draft: AuditDraft,
    jobs: readonly JobIntent[],
  ): Promise<ApiKeyInfo | null> {
    const revoked = await updateIf(
      this.model.collection,
      keyId,
      { revokedAt: null },
      { $set: { revokedAt: at }, $push: { pendingAudit: draft, [PENDING_JOBS_FIELD]: { $each: jobs } } },
    );
    return revoked ? this.findByKeyId(keyId) : null;
  }

  /**
   * Records use. Not audited: it changes no access, and authentication failures are audited elsewhere.
   */
  async touch(keyId: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: keyId }, { $set: { lastUsedAt: at } });
  }
}
