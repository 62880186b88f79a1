import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemActor } from '../auth/index.js';
import type { AccountService } from './account.service.js';
import type { PeopleDirectory } from './sign-in.service.js';

/** The demo people's console passwords, kept in DATA_DIR (mode 600) and printed by `npm start`. */
export const DEMO_PASSWORDS_FILE = 'demo-passwords.json';

/** One demo person's console sign-in, for the start banner. */
export interface DemoSignIn {
  email: string;
  password: string;
}

function readKept(file: string): Record<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.fromEntries(
        Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return {};
}

/** 16 characters from 96 random bits: long enough for the password rules, easy to copy. */
const newPassword = (): string => randomBytes(12).toString('base64url');

/**
 * Gives each demo person a password: the one kept in `file` when there is one (set again if the store
 * was wiped), else a new random one, written to `file` before it is set. Never a fixed default.
 */
export async function ensureDemoPasswords(
  emails: readonly string[],
  file: string,
  people: PeopleDirectory,
  accounts: AccountService,
): Promise<DemoSignIn[]> {
  const kept = readKept(file);
  const missing = emails.filter((email) => !kept[email]);
  if (missing.length > 0) {
    for (const email of missing) kept[email] = newPassword();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const signIns: DemoSignIn[] = [];
  for (const email of emails) {
    const person = await people.findByEmail(email);
    if (!person) continue;
    const password = kept[email];
    if (!(await accounts.passwordIs(person.id, password))) {
      await accounts.setPassword(systemActor('demo-seed'), person, password);
    }
    signIns.push({ email, password });
  }
  return signIns;
}
