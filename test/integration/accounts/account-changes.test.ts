import { expect } from 'chai';
import { ACCOUNTS_COLLECTION, accountModel } from '../../../src/accounts/account.model.js';
import { AccountRepository } from '../../../src/accounts/account.repository.js';
import type { AuditDraft } from '../../../src/audit/index.js';
import { connectMongo, type Connection } from '../../../src/platform/db/index.js';
import { createLogger } from '../../../src/platform/index.js';
import { isolatedUrls } from '../../helpers/services.js';

const WRITERS = 8;
const draft = (n: number) => ({ action: 'test.failure', n }) as unknown as AuditDraft;

describe('account changes (read, decide, write on the version)', function () {
  this.timeout(60_000);
  let db: Connection;
  let repository: AccountRepository;
  const written: string[] = [];

  before(async () => {
    db = await connectMongo(isolatedUrls('accountchanges').mongodbUri, createLogger('silent'));
    repository = new AccountRepository(accountModel(db), (userId) => written.push(userId));
    await repository.init();
  });
  after(async () => {
    await db.close();
  });

  /** WRITERS failed attempts at once, each counting one more failure than it read, with its event. */
  const fail = (userId: string) =>
    Promise.all(
      Array.from({ length: WRITERS }, (_, n) =>
        repository.change(userId, (current) => ({
          set: { failures: current.failures + 1 },
          drafts: [draft(n)],
          result: current.failures + 1,
        })),
      ),
    );

  it('when 8 attempts fail at once on a new account, then it is created once and counts all 8 with every event', async () => {
    const answers = await fail('new-user');
    const stored = await db.collection(ACCOUNTS_COLLECTION).findOne({ _id: 'new-user' as never });
    expect([...answers].sort((a, b) => a - b)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(stored).to.deep.include({ failures: WRITERS, version: WRITERS });
    expect((stored?.pendingAudit as { n: number }[]).map((d) => d.n).sort()).to.deep.equal([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
  });

  it('when the account was stored before it had a version, then concurrent changes still count every one', async () => {
    await db.collection(ACCOUNTS_COLLECTION).insertOne({
      _id: 'old-user' as never,
      passwordHash: null,
      failures: 2,
      pendingAudit: [],
    });
    await fail('old-user');
    expect(await db.collection(ACCOUNTS_COLLECTION).findOne({ _id: 'old-user' as never })).to.deep.include({
      failures: 2 + WRITERS,
      version: WRITERS,
    });
  });

  it('when a decision changes nothing and audits nothing, then nothing is written', async () => {
    const before = await db.collection(ACCOUNTS_COLLECTION).findOne({ _id: 'old-user' as never });
    const count = written.length;
    expect(await repository.change('old-user', () => ({ set: {}, drafts: [], result: 'same' }))).to.equal(
      'same',
    );
    expect(await db.collection(ACCOUNTS_COLLECTION).findOne({ _id: 'old-user' as never })).to.deep.equal(
      before,
    );
    expect(written.length).to.equal(count);
  });
});
