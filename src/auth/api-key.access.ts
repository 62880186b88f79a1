import type { Request } from 'express';
import type { Logger } from 'pino';
import { auditDraft, type AuditDraft } from '../audit/index.js';
import {
  ForbiddenError,
  UnauthorizedError,
  systemActor,
  type Actor,
  roleHas,
  type Permission,
} from '../platform/index.js';
import type { AccessControl } from '../platform/http/index.js';
import { ApiKeyService, type KeyRefusal } from './api-key.service.js';
import type { CacheLook } from './verified-key-cache.js';
import { AuditThrottle } from './audit-throttle.js';
import type { KeyRateLimit } from './rate-limit.js';

/** Where auth writes events that change no document: the audit module's `record`. */
export interface AuditRecorder {
  record(draft: AuditDraft): Promise<void>;
}

const ANONYMOUS = { userId: 'anonymous', role: 'anonymous', bureauId: null, name: 'anonymous' } as const;

function bearerToken(header: string): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * Access control by API key (`Authorization: Bearer gck_...`). Every refusal is one of two fixed answers
 * (the same 401 whatever was wrong with the key, the same 403 whatever the role), so a caller learns
 * nothing about which keys exist; the reason goes to the audit trail instead, throttled per client.
 * A key counts against its own rate limit only once its secret verified.
 */
export class ApiKeyAccessControl implements AccessControl {
  private readonly failures = new AuditThrottle();
  private readonly refusals = new AuditThrottle();
  /** The cache look of a request's key, made once: by the per-IP limit's question, then `authenticate`. */
  private readonly looks = new WeakMap<Request, { token: string; look: Promise<CacheLook> }>();

  constructor(
    private readonly keys: ApiKeyService,
    private readonly audit: AuditRecorder,
    private readonly logger: Logger,
    private readonly perKey: KeyRateLimit | null = null,
  ) {}

  async authenticate(req: Request): Promise<Actor> {
    const header = req.get('authorization');
    const token = header === undefined ? null : bearerToken(header);
    if (!token) {
      await this.failed(req, header === undefined ? 'missing' : 'malformed', null);
      throw new UnauthorizedError();
    }
    const check = await this.keys.check(token, new Date(), this.lookFor(req, token));
    if (!check.ok) {
      await this.failed(req, check.reason, check.keyId);
      throw new UnauthorizedError();
    }
    const { key } = check;
    const { user } = key;
    await this.perKey?.hit(key.keyId, req);
    return { userId: user.id, keyId: key.keyId, role: user.role, bureauId: user.bureauId, name: user.name };
  }

  /**
   * Whether the request presents a key whose secret verified recently (in the verified-key cache), so
   * that it cannot be a guess: the per-IP limit, which counts guesses, leaves such a request out instead
   * of counting it and taking the count back once it succeeded (two Redis round trips a request).
   */
  async presentsVerifiedKey(req: Request): Promise<boolean> {
    const header = req.get('authorization');
    const token = header === undefined ? null : bearerToken(header);
    if (!token) return false;
    return ApiKeyService.verifiedRecently(token, await this.lookFor(req, token));
  }

  private lookFor(req: Request, token: string): Promise<CacheLook> {
    const known = this.looks.get(req);
    if (known?.token === token) return known.look;
    const look = this.keys.lookUp(token);
    this.looks.set(req, { token, look });
    return look;
  }

  async authorize(actor: Actor, permission: Permission, req: Request): Promise<void> {
    // System actors never arrive over HTTP; refusing them keeps a forged one harmless.
    if (actor.role !== 'system' && roleHas(actor.role, permission)) return;
    const admitted = this.refusals.admit(actor.keyId ?? actor.userId);
    if (admitted) {
      const draft = auditDraft(
        actor,
        'auth.forbidden',
        { type: 'auth', id: actor.keyId ?? actor.userId },
        {
          bureauId: actor.bureauId,
          data: { permission, ...this.requestData(req), suppressed: admitted.suppressed },
        },
      );
      await this.recordSafely(draft);
    }
    throw new ForbiddenError();
  }

  identify(req: Request): Promise<Actor | null> {
    return req.get('authorization') === undefined ? Promise.resolve(null) : this.authenticate(req);
  }

  /** Records one summary event per source whose window closed with uncounted attempts. */
  async flushSuppressed(includeOpen = false): Promise<void> {
    for (const [action, throttle] of [
      ['auth.failed.suppressed', this.failures],
      ['auth.forbidden.suppressed', this.refusals],
    ] as const) {
      for (const { source, suppressed, since } of throttle.drain(includeOpen)) {
        const draft = auditDraft(
          systemActor('auth'),
          action,
          { type: 'auth', id: source },
          { data: { suppressed, since } },
        );
        await this.recordSafely(draft);
      }
    }
  }

  /**
   * Throttled per client IP, whatever key id was presented: key ids cost nothing to make up (a fresh
   * well-formed one per attempt), so a source per key id would let one client write an event per try.
   */
  private async failed(req: Request, reason: KeyRefusal | 'missing', keyId: string | null): Promise<void> {
    const source = `ip:${req.ip ?? 'unknown'}`;
    const admitted = this.failures.admit(source);
    if (!admitted) return;
    const draft = auditDraft(
      systemActor('auth'),
      'auth.failed',
      { type: 'auth', id: source },
      {
        data: { reason, ...this.requestData(req), suppressed: admitted.suppressed },
      },
    );
    // The caller is not authenticated: the event names what it presented, not who it claims to be.
    await this.recordSafely({ ...draft, actor: { ...ANONYMOUS, keyId } });
  }

  private requestData(req: Request): Record<string, string> {
    return { ip: req.ip ?? 'unknown', method: req.method, path: req.path };
  }

  private async recordSafely(draft: AuditDraft): Promise<void> {
    try {
      await this.audit.record(draft);
    } catch (err) {
      // The refusal stands either way; losing its event must not turn a 401 into a 500.
      this.logger.error({ err, action: draft.action }, 'could not record auth audit event');
    }
  }
}
