import type { Actor, Role } from '../../src/platform/index.js';
import { systemActor } from '../../src/auth/index.js';
import type { TestRuntime } from './runtime.js';
import { uniqueName } from './services.js';

export interface TestActor {
  /** The full API key: send it as `Authorization: Bearer <key>` (`call(..., { key })`). */
  key: string;
  actor: Actor;
  userId: string;
}

export interface ActorOptions {
  role: Role;
  /** The user's bureau; created (HK-GOV) when missing. Reporters get a fresh bureau when omitted. */
  bureauId?: string;
}

const setupActor = systemActor('test-setup');

function freshBureauCode(): string {
  return `T${uniqueName('B').slice(2).toUpperCase()}`.slice(0, 12);
}

/**
 * A user with the given role and a live API key, created through the auth services (audited like
 * any other admin change), for tests that call the API as that role.
 */
export async function createActor(runtime: TestRuntime, options: ActorOptions): Promise<TestActor> {
  const { bureaux, users, keys } = runtime.modules.auth;
  const bureauId = options.bureauId ?? (options.role === 'reporter' ? freshBureauCode() : null);
  if (bureauId && !(await bureaux.getBureau(bureauId))) {
    try {
      await bureaux.create(setupActor, {
        code: bureauId,
        name: `Test bureau ${bureauId}`,
        regimes: ['HK-GOV'],
        contacts: [],
      });
    } catch (err) {
      // Another test created it meanwhile: fine, it exists now.
      if (!(await bureaux.getBureau(bureauId))) throw err;
    }
  }
  const name = uniqueName(options.role);
  const user = await users.create(setupActor, {
    name,
    email: `${name}@test.govcert.example`,
    role: options.role,
    bureauId,
  });
  const issued = await keys.issue(setupActor, { userId: user.id, label: 'test', expiresInDays: 1 });
  return {
    key: issued.key,
    userId: user.id,
    actor: {
      userId: user.id,
      keyId: issued.keyId,
      role: user.role,
      bureauId: user.bureauId,
      name: user.name,
    },
  };
}
