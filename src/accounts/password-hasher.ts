import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); the library's defaults, named here so a change
// of defaults upstream cannot weaken stored hashes silently. The PHC string records them per hash.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A hash of a password nobody has, verified when the account is unknown so timing tells nothing. */
let decoy: Promise<string> | undefined;

/** argon2id password hashing (the `$argon2id$` PHC format). */
export const passwordHasher = {
  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  },

  /** False for a wrong password or a malformed stored hash, never a throw. */
  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  },

  /** Spends the time of one verification without an account to check. */
  async spendVerification(password: string): Promise<void> {
    decoy ??= hash(`decoy-${String(Math.random())}`, OPTIONS);
    await this.verify(await decoy, password);
  },
};
