import { expect } from 'chai';
import {
  assertAtomicWrites,
  connectMongo,
  updateIf,
  mongoose,
  readDecideWrite,
  storeContractBreach,
  versionIs,
  WriteContentionError,
  type Connection,
} from '../../../src/platform/db/index.js';
import { createLogger } from '../../../src/platform/index.js';
import { isolatedUrls } from '../../helpers/services.js';

const ROUNDS = 10;
const WRITERS = 8;

/** WRITERS compare-and-sets from revision 0 at once; how many won, and the revision stored after. */
async function race(
  db: Connection,
  cas: (id: mongoose.Types.ObjectId) => Promise<unknown>,
): Promise<{ winners: number; revision: unknown }> {
  const collection = db.collection('races');
  const { insertedId } = await collection.insertOne({ revision: 0, wins: [] });
  const results = await Promise.all(Array.from({ length: WRITERS }, () => cas(insertedId)));
  const stored = await collection.findOne({ _id: insertedId });
  return { winners: results.filter((r) => r !== null).length, revision: stored?.revision };
}

interface Ledger {
  _id: mongoose.Types.ObjectId;
  version?: number;
  entries: string[];
}

describe('compare-and-set on the test FerretDB', function () {
  this.timeout(60_000);
  let db: Connection;

  before(async () => {
    db = await connectMongo(isolatedUrls('locks').mongodbUri, createLogger('silent'));
  });
  after(async () => {
    await db.close();
  });

  it('when start-up checks the FerretDB built here, then it meets the store contract', async () => {
    await assertAtomicWrites(db);
    const info = await db.db?.admin().command({ buildInfo: 1 });
    expect(info?.ferretdbFeatures).to.deep.include({ govcertAtomicWrites: true });
    expect(storeContractBreach(info ?? {})).to.equal(null);
  });

  it('when 8 writers race a plain conditional findOneAndUpdate, then exactly one wins every round', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const outcome = await race(db, (id) =>
        db.collection('races').findOneAndUpdate({ _id: id, revision: 0 }, { $inc: { revision: 1 } }),
      );
      expect(outcome, `round ${round}`).to.deep.equal({ winners: 1, revision: 1 });
    }
  });

  it('when 8 writers race updateIf, then exactly one wins and its push is kept', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const outcome = await race(db, (id) =>
        updateIf(
          db.collection('races'),
          id,
          { revision: 0 },
          { $inc: { revision: 1 }, $push: { wins: round } },
        ),
      );
      expect(outcome, `round ${round}`).to.deep.equal({ winners: 1, revision: 1 });
    }
  });

  it('when a guard uses $ne, $in and a missing field, then updateIf matches as MongoDB would', async () => {
    const collection = db.collection('guards');
    const { insertedId } = await collection.insertOne({ status: 'queued' });
    const set = (guard: Record<string, unknown>, status: string) =>
      updateIf(collection, insertedId, guard, { $set: { status } });
    expect(await set({ status: { $ne: 'queued' } }, 'x')).to.equal(null);
    expect(await set({ status: { $in: ['queued', 'deferred'] }, assignee: null }, 'sending')).to.include({
      status: 'sending',
    });
    expect(await set({ status: 'queued' }, 'y')).to.equal(null);
    expect(await updateIf(collection, new mongoose.Types.ObjectId(), {}, { $set: { a: 1 } })).to.equal(null);
  });

  describe('readDecideWrite', () => {
    const ledgers = () => db.collection<Ledger>('ledgers');

    /**
     * Appends `entry` to the ledger by rewriting the whole array on the version read: a decision
     * applied on a state it did not see would drop someone else's entry.
     */
    const append = (id: mongoose.Types.ObjectId, entry: string, attempts = WRITERS * 2) =>
      readDecideWrite({
        read: async () => {
          const doc = await ledgers().findOne({ _id: id });
          if (!doc) throw new Error('ledger missing');
          return doc;
        },
        decide: (current) =>
          current.entries.includes(entry)
            ? { done: 'already' as const }
            : { write: [...current.entries, entry] },
        write: async (entries, current) => {
          const { modifiedCount } = await ledgers().updateOne(
            { _id: id, version: versionIs(current.version) },
            { $set: { entries }, $inc: { version: 1 } },
          );
          return modifiedCount === 1 ? ('written' as const) : null;
        },
        attempts,
      });

    it('when 8 writers append to one ledger in parallel, then every entry is applied exactly once and none is lost', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        // Half the rounds start from a document written before it had a version.
        const { insertedId } = await ledgers().insertOne(
          round % 2 === 0
            ? { _id: new mongoose.Types.ObjectId(), entries: [] }
            : { _id: new mongoose.Types.ObjectId(), version: 0, entries: [] },
        );
        const mine = Array.from({ length: WRITERS }, (_, i) => `r${round}w${i}`);
        const answers = await Promise.all(mine.map((entry) => append(insertedId, entry)));
        const stored = await ledgers().findOne({ _id: insertedId });
        expect(answers, `round ${round}`).to.deep.equal(mine.map(() => 'written'));
        expect([...(stored?.entries ?? [])].sort(), `round ${round}`).to.deep.equal([...mine].sort());
        expect(stored?.version, `round ${round}`).to.equal(WRITERS);
      }
    });

    it('when the decision stops, then nothing is written and its answer is returned', async () => {
      const { insertedId } = await ledgers().insertOne({
        _id: new mongoose.Types.ObjectId(),
        version: 3,
        entries: ['a'],
      });
      expect(await append(insertedId, 'a')).to.equal('already');
      expect(await ledgers().findOne({ _id: insertedId })).to.deep.include({ version: 3, entries: ['a'] });
    });

    it('when every write loses its race, then it reads and decides again up to the bound and throws', async () => {
      const { insertedId } = await ledgers().insertOne({
        _id: new mongoose.Types.ObjectId(),
        version: 0,
        entries: [],
      });
      let reads = 0;
      const steps = {
        read: async () => {
          reads++;
          return ledgers().findOne({ _id: insertedId });
        },
        decide: () => ({ write: 'x' }),
        // Someone else always writes first: the version moves under every attempt.
        write: async (_: string, current: Ledger | null) => {
          await ledgers().updateOne({ _id: insertedId }, { $inc: { version: 1 } });
          const { modifiedCount } = await ledgers().updateOne(
            { _id: insertedId, version: versionIs(current?.version) },
            { $push: { entries: 'x' } },
          );
          return modifiedCount === 1 ? true : null;
        },
      };
      const error = await readDecideWrite({ ...steps, attempts: 3 }).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(WriteContentionError);
      expect(reads).to.equal(3);
      const own = await readDecideWrite({ ...steps, exhausted: () => new RangeError('busy') }).catch(
        (err: unknown) => err,
      );
      expect(own).to.be.instanceOf(RangeError);
      expect(reads).to.equal(3 + 5);
      expect(await ledgers().findOne({ _id: insertedId })).to.deep.include({ version: 8, entries: [] });
    });
  });
});
