import { systemActor, type User, type UserService } from '../auth/index.js';
import type { Person } from './account.types.js';
import type { Provisioner } from './oidc.service.js';
import type { PeopleDirectory } from './sign-in.service.js';

function toPerson(user: User): Person {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    bureauId: user.bureauId,
    active: user.disabledAt === null,
  };
}

/**
 * The auth module's users as sign-in sees them. Read on every console request (never cached), so a
 * user an administrator disabled is refused at the next request in every process.
 */
export function peopleFrom(users: UserService): PeopleDirectory & Provisioner {
  return {
    get: async (id) => {
      const user = await users.get(id);
      return user ? toPerson(user) : null;
    },
    findByEmail: async (email) => {
      const user = await users.findByEmail(email);
      return user ? toPerson(user) : null;
    },
    // Created as the system (single sign-on), audited as `user.created` like any other user.
    provision: async (input) => toPerson(await users.create(systemActor('oidc'), input)),
  };
}
