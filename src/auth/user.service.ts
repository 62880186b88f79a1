import { auditDraft } from '../audit/index.js';
import { NotFoundError, ValidationError } from '../platform/errors.js';
import type { Actor } from './actor.js';
import type { CreateUserInput } from './auth.schemas.js';
import type { User } from './auth.types.js';
import type { BureauRepository } from './bureau.repository.js';
import { newUserId, type UserFilter, type UserRepository } from './user.repository.js';

/** Users: each holds exactly one role and at most one bureau (reporters always one). */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly bureaux: BureauRepository,
  ) {}

  /** Creates a user; 422 when the bureau does not exist, 409 `user_exists` on a taken email. */
  async create(actor: Actor, input: CreateUserInput): Promise<User> {
    if (input.role === 'reporter' && !input.bureauId) {
      throw new ValidationError([{ path: 'body.bureauId', message: 'reporters must belong to a bureau' }]);
    }
    if (input.bureauId && !(await this.bureaux.findByCode(input.bureauId))) {
      throw new ValidationError([{ path: 'body.bureauId', message: `no bureau ${input.bureauId}` }]);
    }
    const user: User = { id: newUserId(), ...input, createdAt: new Date() };
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
