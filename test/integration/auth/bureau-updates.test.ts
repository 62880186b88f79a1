import { expect } from 'chai';
import type { AuditDraft } from '../../../src/audit/index.js';
import { authModels, AUTH_COLLECTIONS } from '../../../src/auth/auth.models.js';
import { BureauRepository } from '../../../src/auth/bureau.repository.js';
import { connectMongo, type Connection } from '../../../src/platform/db/index.js';
import { createLogger } from '../../../src/platform/index.js';
import { isolatedUrls } from '../../helpers/services.js';

const EDITORS = 8;
const draft = (regime: string) => ({ action: 'bureau.updated', regime }) as unknown as AuditDraft;

describe('bureau updates (read, decide, write on the version)', function () {
  this.timeout(60_000);
  let db: Connection;
  let repository: BureauRepository;

  before(async () => {
    db = await connectMongo(isolatedUrls('bureauupdates').mongodbUri, createLogger('silent'));
    repository = new BureauRepository(authModels(db).bureaux);
    await repository.init();
  });
  after(async () => {
    await db.close();
  });

  /** EDITORS administrators each add a regime to the list they read, at once. */
  const addRegimes = (code: string) =>
    Promise.all(
      Array.from({ length: EDITORS }, (_, n) =>
        repository.update(code, (current) => ({
          set: { regimes: [...current.regimes, `R${n}`] },
          draft: draft(`R${n}`),
        })),
      ),
    );

  for (const legacy of [false, true]) {
    it(`when 8 edits of ${legacy ? 'a bureau stored before versions' : 'a bureau'} race, then every edit is kept with its event`, async () => {
      const code = legacy ? 'OLD' : 'NEW';
      await db.collection(AUTH_COLLECTIONS.bureaux).insertOne({
        _id: code as never,
        code,
        name: code,
        regimes: [],
        contacts: [],
        createdAt: new Date(),
        pendingAudit: [],
        ...(legacy ? {} : { version: 0 }),
      });
      await addRegimes(code);
      const stored = await db.collection(AUTH_COLLECTIONS.bureaux).findOne({ _id: code as never });
      const expected = Array.from({ length: EDITORS }, (_, n) => `R${n}`);
      expect([...(stored?.regimes as string[])].sort()).to.deep.equal(expected);
      expect((stored?.pendingAudit as { regime: string }[]).map((d) => d.regime).sort()).to.deep.equal(
        expected,
      );
      expect(stored?.version).to.equal(EDITORS);
    });
  }

  it('when the bureau does not exist or the decision is to do nothing, then nothing is written', async () => {
    expect(await repository.update('NONE', () => ({ set: { name: 'x' }, draft: draft('x') }))).to.equal(null);
    const before = await db.collection(AUTH_COLLECTIONS.bureaux).findOne({ _id: 'NEW' as never });
    expect(await repository.update('NEW', () => null)).to.include({ code: 'NEW' });
    expect(await db.collection(AUTH_COLLECTIONS.bureaux).findOne({ _id: 'NEW' as never })).to.deep.equal(
      before,
    );
  });
});
