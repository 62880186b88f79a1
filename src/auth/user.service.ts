import { auditDraft } from '../audit/index.js';
import { ConflictError, NotFoundError, ValidationError, type Actor } from '../platform/index.js';
import type { CreateUserInput } from './auth.schemas.js';
import type { User } from './auth.types.js';
import type { BureauRepository } from './bureau.repository.js';
import { newUserId, type UserFilter, type UserRepository } from './user.repository.js';
import { forgetKeysJob, type KeyForgetting } from './verified-key-cache.js';

/** Users: each holds exactly one role and at most one bureau (reporters always one). */
export class UserService {
  /** `forgetting`: how disabling or enabling makes verified keys forgotten at once (null: by its job only). */
  constructor(
    private readonly users: UserRepository,
    private readonly bureaux: BureauRepository,
    private readonly forgetting: KeyForgetting | null = null,
  ) {}

  /** Creates a user; 422 when the bureau does not exist, 409 `user_exists` on a taken email. */
  async create(actor: Actor, input: CreateUserInput): Promise<User> {
    if (input.role === 'reporter' && !input.bureauId) {
      throw new ValidationError([{ path: 'body.bureauId', message: 'reporters must belong to a bureau' }]);
    }
    const bureau = input.bureauId ? await this.bureaux.findByCode(input.bureauId) : null;
    if (input.bureauId && !bureau) {
      throw new ValidationError([{ path: 'body.bureauId', message: `no bureau ${input.bureauId}` }]);
    }
    if (bureau && !bureau.active) {
      throw new ValidationError([
        { path: 'body.bureauId', message: `bureau ${bureau.code} is deactivated: reactivate it first` },
      ]);
    }
    const user: User = { id: newUserId(), ...input, createdAt: new Date(), disabledAt: null };
    const draft = auditDraft(
      actor,
      'user.created',
      { type: 'user', id: user.id, ref: user.email },
      {
        bureauId: user.bureauId,
        changes: [
          {
            field: 'user',
            before: null,
            after: { name: user.name, email: user.email, role: user.role, bureauId: user.bureauId },
          },
        ],
      },
    );
    return this.users.insert(user, draft);
  }

  /**
   * Disables (true) or enables (false) a user. A disabled user's API keys stop authenticating with the
   * next request, in every process (the write makes every verified key forgotten before it answers,
   * see `VerifiedKeyCache`), and work again once enabled: the
   * keys themselves are left as they are. Asking for the state the user is in changes nothing.
   * Audited as `user.disabled` / `user.enabled`. 404 when unknown; 409 `cannot_disable_self` for the
   * caller's own account, so that the last administrator cannot lock everyone out by mistake.
   */
  async setDisabled(actor: Actor, id: string, disabled: boolean): Promise<User> {
    const user = await this.require(id);
    if (disabled && user.id === actor.userId) {
      throw new ConflictError('You cannot disable your own account.', 'cannot_disable_self');
    }
    if ((user.disabledAt !== null) === disabled) return user;
    const disabledAt = disabled ? new Date() : null;
    const draft = auditDraft(
      actor,
      disabled ? 'user.disabled' : 'user.enabled',
      { type: 'user', id: user.id, ref: user.email },
      {
        bureauId: user.bureauId,
        changes: [{ field: 'disabledAt', before: user.disabledAt, after: disabledAt }],
      },
    );
    const at = disabledAt ?? new Date();
    const written = await this.users.setDisabled(user.id, disabledAt, draft, [
      forgetKeysJob('user', user.id, at),
    ]);
    if (!written) return this.require(id);
    await this.forgetting?.afterWrite();
    return written;
  }

  get(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  async require(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(email.toLowerCase());
  }

  list(filter: UserFilter = {}): Promise<User[]> {
    return this.users.list(filter);
  }
}
