import { createHash, timingSafeEqual } from 'node:crypto';
import { auditDraft } from '../audit/index.js';
import { NotFoundError, ValidationError, type Actor } from '../platform/index.js';
import { generateKey, parseKey } from './api-key.format.js';
import type { ApiKeyRepository } from './api-key.repository.js';
import type { CreateKeyInput } from './auth.schemas.js';
import type { ApiKeyInfo, IssuedApiKey, StoredApiKey } from './auth.types.js';
import type { UserRepository } from './user.repository.js';
import {
  CACHE_MISS,
  type CacheLook,
  forgetKeysJob,
  type KeyForgetting,
  type VerifiedKey,
  type VerifiedKeyCache,
} from './verified-key-cache.js';

const DAY_MS = 86_400_000;
/** Last-used times are coarse on purpose: one write a minute per key, not one per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Why a key was refused. Only the audit trail sees it; callers all get the same 401. */
export type KeyRefusal =
  'malformed' | 'unknown' | 'bad_secret' | 'revoked' | 'expired' | 'no_user' | 'user_disabled';

export type KeyCheck =
  { ok: true; key: VerifiedKey } | { ok: false; reason: KeyRefusal; keyId: string | null };

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

// Compared against when the key id is unknown, so a miss costs the same hash-and-compare as a hit.
const DECOY_HASH = hashSecret('decoy');

/** Keys whose last use this process remembers writing; past this many it starts over. */
const MAX_TOUCHED = 10_000;

/** The cached key when the look found one for this key id, still unexpired at `now`. */
function verifiedIn(look: CacheLook, keyId: string, now: Date): VerifiedKey | null {
  return look.hit?.keyId === keyId && look.hit.expiresAt.getTime() > now.getTime() ? look.hit : null;
}

/** API keys: issued to one user (so one role and one bureau), stored as SHA-256 of the secret. */
export class ApiKeyService {
  /** Keys whose last-used time is being written: a burst of requests writes it once. */
  private readonly touching = new Set<string>();
  /** When this process last wrote each key's last use (a cached key's own time does not move). */
  private readonly touched = new Map<string, number>();

  /**
   * `verified`: where keys checked against the store are kept a while (null: every request reads
   * the store). `forgetting`: how a revocation makes them forgotten at once (null: by its job only).
   */
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly users: UserRepository,
    private readonly verified: VerifiedKeyCache | null = null,
    private readonly forgetting: KeyForgetting | null = null,
  ) {}

  /** Issues a key; the returned `key` text is shown once and exists nowhere else. Audited. */
  async issue(actor: Actor, input: CreateKeyInput): Promise<IssuedApiKey> {
    const user = await this.users.findById(input.userId);
    if (!user) throw new ValidationError([{ path: 'body.userId', message: 'no such user' }]);
    if (user.disabledAt) {
      throw new ValidationError([{ path: 'body.userId', message: 'the user is disabled: enable it first' }]);
    }
    const { key, keyId, secret } = generateKey();
    const now = new Date();
    const stored: StoredApiKey = {
      keyId,
      secretHash: hashSecret(secret),
      userId: user.id,
      label: input.label,
      createdAt: now,
      createdBy: actor.userId,
      expiresAt: new Date(now.getTime() + input.expiresInDays * DAY_MS),
      revokedAt: null,
      lastUsedAt: null,
    };
    const draft = auditDraft(
      actor,
      'apikey.created',
      { type: 'apikey', id: keyId, ref: input.label },
      {
        bureauId: user.bureauId,
        changes: [
          {
            field: 'apikey',
            before: null,
            after: { userId: user.id, role: user.role, label: input.label, expiresAt: stored.expiresAt },
          },
        ],
      },
    );
    const info = await this.keys.insert(stored, draft);
    return { ...info, key };
  }

  list(filter: { userId?: string } = {}): Promise<ApiKeyInfo[]> {
    return this.keys.list(filter);
  }

  /** Revokes a key at once; revoking a revoked key answers its current state. 404 when unknown. */
  async revoke(actor: Actor, keyId: string): Promise<ApiKeyInfo> {
    const existing = await this.keys.findByKeyId(keyId);
    if (!existing) throw new NotFoundError('API key');
    if (existing.revokedAt) return existing;
    const user = await this.users.findById(existing.userId);
    const at = new Date();
    const draft = auditDraft(
      actor,
      'apikey.revoked',
      { type: 'apikey', id: keyId, ref: existing.label },
      { bureauId: user?.bureauId ?? null, changes: [{ field: 'revokedAt', before: null, after: at }] },
    );
    const revoked = await this.keys.revoke(keyId, at, draft, [forgetKeysJob('key', keyId, at)]);
    if (!revoked) return (await this.keys.findByKeyId(keyId)) ?? existing;
    await this.forgetting?.afterWrite();
    return revoked;
  }

  /**
   * Checks a presented key: checksum, then the verified-key cache, else lookup by id, constant-time
   * secret comparison, state and owner from the store (and the result cached). A disabled user or a
   * revoked key makes the cache forget every key at once, so the next request reads the store.
   */
  async check(text: string, now = new Date(), lookedUp?: Promise<CacheLook>): Promise<KeyCheck> {
    const parsed = parseKey(text);
    if (!parsed) return { ok: false, reason: 'malformed', keyId: null };
    // Read before the store: an entry filed under it is never used once a later write forgets.
    const look = await (lookedUp ?? this.lookUp(text));
    const hit = verifiedIn(look, parsed.keyId, now);
    if (hit) {
      this.touchIfDue(hit, now);
      return { ok: true, key: hit };
    }
    const stored = await this.keys.findForAuthentication(parsed.keyId);
    const presented = hashSecret(parsed.secret);
    const expected = stored?.secretHash.length === presented.length ? stored.secretHash : DECOY_HASH;
    const matches = timingSafeEqual(presented, expected) && stored !== null;
    if (!stored) return { ok: false, reason: 'unknown', keyId: parsed.keyId };
    if (!matches) return { ok: false, reason: 'bad_secret', keyId: parsed.keyId };
    if (stored.revokedAt) return { ok: false, reason: 'revoked', keyId: parsed.keyId };
    if (stored.expiresAt.getTime() <= now.getTime())
      return { ok: false, reason: 'expired', keyId: parsed.keyId };
    const user = await this.users.findById(stored.userId);
    if (!user) return { ok: false, reason: 'no_user', keyId: parsed.keyId };
    if (user.disabledAt) return { ok: false, reason: 'user_disabled', keyId: parsed.keyId };
    const key: VerifiedKey = {
      keyId: stored.keyId,
      expiresAt: stored.expiresAt,
      lastUsedAt: stored.lastUsedAt,
      user: { id: user.id, role: user.role, bureauId: user.bureauId, name: user.name },
    };
    if (look.generation !== null) await this.verified?.file(text, look.generation, key);
    this.touchIfDue(key, now);
    return { ok: true, key };
  }

  /**
   * The verified-key cache's look for a presented key, for a caller that checks it later in the same
   * request (`check(text, now, look)`): one read of the cache serves both.
   */
  lookUp(text: string): Promise<CacheLook> {
    return this.verified ? this.verified.look(text) : Promise.resolve(CACHE_MISS);
  }

  /** Whether a key looked up (`lookUp`) was verified recently, so that `check` will accept it unread. */
  static verifiedRecently(text: string, look: CacheLook, now = new Date()): boolean {
    const parsed = parseKey(text);
    return parsed !== null && verifiedIn(look, parsed.keyId, now) !== null;
  }

  private touchIfDue(key: VerifiedKey, now: Date): void {
    const last = Math.max(key.lastUsedAt?.getTime() ?? 0, this.touched.get(key.keyId) ?? 0);
    if (now.getTime() - last < LAST_USED_RESOLUTION_MS) return;
    if (this.touched.size >= MAX_TOUCHED) this.touched.clear();
    this.touched.set(key.keyId, now.getTime());
    this.touchLater(key.keyId, now);
  }

  /**
   * Records use without holding up the request: last-used is approximate by design (a minute's
   * resolution), so a write that fails or finds the key busy is simply dropped.
   */
  private touchLater(keyId: string, at: Date): void {
    if (this.touching.has(keyId)) return;
    this.touching.add(keyId);
    void this.keys
      .touch(keyId, at)
      .catch(() => undefined)
      .finally(() => this.touching.delete(keyId));
  }
}
