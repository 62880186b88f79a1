import type { AuditDraft } from '../audit/index.js';
import {
  isDuplicateKeyError,
  readDecideWrite,
  trusted,
  versionIs,
  type Decision,
  type Model,
} from '../platform/db/index.js';
import type { AccountDoc } from './account.model.js';
import type { Account } from './account.types.js';

/** What a decision writes: fields to set, the audit events of the change, and what to return. */
export interface AccountChange<T> {
  set: Partial<Omit<Account, 'userId'>>;
  drafts: AuditDraft[];
  result: T;
}

function emptyAccount(userId: string): Account {
  return {
    userId,
    passwordHash: null,
    passwordSetAt: null,
    totp: null,
    recoveryCodes: [],
    failures: 0,
    lockedUntil: null,
    sessionsValidFrom: null,
    reset: null,
    oidcSubject: null,
    language: null,
    lastSignInAt: null,
  };
}

function toAccount(doc: AccountDoc): Account {
  const { _id, pendingAudit: _pending, ...fields } = doc;
  return { ...emptyAccount(_id), ...fields, userId: _id };
}

/**
 * People's console accounts (credentials, lockout state, preferences), one document per user. Every
 * change is a read-decide-write on the account's version (failure counts and one-time codes must not
 * be lost to a concurrent attempt), written with its audit events in the same update.
 */
export class AccountRepository {
  constructor(
    private readonly model: Model<AccountDoc>,
    private readonly written: (userId: string) => void,
  ) {}

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  async get(userId: string): Promise<Account | null> {
    const doc = await this.model.findById(userId).lean<AccountDoc>();
    return doc ? toAccount(doc) : null;
  }

  async findByOidcSubject(subject: string): Promise<Account | null> {
    const doc = await this.model.findOne({ oidcSubject: subject }).lean<AccountDoc>();
    return doc ? toAccount(doc) : null;
  }

  /**
   * Reads the account (an empty one when the person has none yet), lets `decide` choose the change,
   * and writes it with its drafts; nothing is written when `decide` sets nothing and audits nothing.
   */
  async change<T>(userId: string, decide: (current: Account) => AccountChange<T>): Promise<T> {
    const outcome = await readDecideWrite({
      read: () => this.model.findById(userId).lean<AccountDoc>(),
      decide: (doc): Decision<AccountChange<T>, AccountChange<T>> => {
        const change = decide(doc ? toAccount(doc) : emptyAccount(userId));
        const nothing = Object.keys(change.set).length === 0 && change.drafts.length === 0;
        return nothing ? { done: change } : { write: change };
      },
      write: async (change, doc) => {
        try {
          const { matchedCount, upsertedCount } = await this.model.updateOne(
            { _id: userId, version: trusted(versionIs(doc?.version)) },
            trusted({
              $set: change.set,
              $setOnInsert: insertDefaults(change.set),
              $inc: { version: 1 },
              $push: { pendingAudit: { $each: change.drafts } },
            }),
            // Only an account read as missing may be created; else the version did not match.
            { upsert: doc === null },
          );
          return matchedCount + upsertedCount === 1 ? change : null;
        } catch (err) {
          // Someone created the account between our read and our upsert: decide again on theirs.
          if (isDuplicateKeyError(err)) return null;
          throw err;
        }
      },
      // Sign-in attempts on one account may come in bursts (a guessing script): each must count.
      attempts: 25,
    });
    if (outcome.drafts.length > 0) this.written(userId);
    return outcome.result;
  }
}

/** The fields of a new document that this change does not set (an upsert's first write). */
function insertDefaults(set: Partial<Omit<Account, 'userId'>>): Record<string, unknown> {
  const { userId: _userId, ...defaults } = emptyAccount('');
  return Object.fromEntries(Object.entries(defaults).filter(([field]) => !(field in set)));
}
