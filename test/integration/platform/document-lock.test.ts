import { expect } from 'chai';
import {
  conditionalWritesAreAtomic,
  connectMongo,
  DocumentLocks,
  mongoose,
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

describe('compare-and-set on the test FerretDB', function () {
  this.timeout(60_000);
  let db: Connection;

  before(async () => {
    db = await connectMongo(isolatedUrls('locks').mongodbUri, createLogger('silent'));
  });
  after(async () => {
    await db.close();
  });

  it('when asked, then the FerretDB built here says its conditional writes are atomic', async () => {
    expect(await conditionalWritesAreAtomic(db)).to.equal(true);
  });

  it('when 8 writers race a plain conditional findOneAndUpdate, then exactly one wins every round', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const outcome = await race(db, (id) =>
        db.collection('races').findOneAndUpdate({ _id: id, revision: 0 }, { $inc: { revision: 1 } }),
      );
      expect(outcome, `round ${round}`).to.deep.equal({ winners: 1, revision: 1 });
    }
  });

  for (const mode of ['auto', 'rows'] as const) {
    it(`when 8 writers race DocumentLocks.updateIf (${mode}), then exactly one wins and its push is kept`, async () => {
      const locks = new DocumentLocks(db, { mode });
      for (let round = 0; round < ROUNDS; round++) {
        const outcome = await race(db, (id) =>
          locks.updateIf(
            db.collection('races'),
            id,
            { revision: 0 },
            { $inc: { revision: 1 }, $push: { wins: round } },
          ),
        );
        expect(outcome, `round ${round}`).to.deep.equal({ winners: 1, revision: 1 });
      }
    });
  }

  it('when a guard uses $ne, $in and a missing field, then it matches as MongoDB would in both modes', async () => {
    const collection = db.collection('guards');
    for (const mode of ['auto', 'rows'] as const) {
      const locks = new DocumentLocks(db, { mode });
      const { insertedId } = await collection.insertOne({ status: 'queued' });
      const set = (guard: Record<string, unknown>, status: string) =>
        locks.updateIf(collection, insertedId, guard, { $set: { status } });
      expect(await set({ status: { $ne: 'queued' } }, 'x'), mode).to.equal(null);
      expect(
        await set({ status: { $in: ['queued', 'deferred'] }, assignee: null }, 'sending'),
        mode,
      ).to.include({
        status: 'sending',
      });
      expect(await set({ status: 'queued' }, 'y'), mode).to.equal(null);
      expect(
        await locks.updateIf(collection, new mongoose.Types.ObjectId(), {}, { $set: { a: 1 } }),
        mode,
      ).to.equal(null);
    }
  });

  it('when a batch of writes runs through writeEach, then every document gets its write exactly once in both modes', async () => {
    const collection = db.collection('batches');
    for (const mode of ['auto', 'rows'] as const) {
      const locks = new DocumentLocks(db, { mode });
      const { insertedIds } = await collection.insertMany([{ n: 0 }, { n: 0 }, { n: 0 }]);
      const ids = Object.values(insertedIds);
      let batches = 0;
      let singles = 0;
      await locks.writeEach(
        'batches',
        ids,
        (id) => id,
        (all) => {
          batches++;
          return collection.bulkWrite(
            all.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } })),
          );
        },
        (_id) => {
          singles++;
          return collection.updateOne({ _id }, { $inc: { n: 1 } });
        },
      );
      const stored = await collection.find({ _id: { $in: ids } }).toArray();
      expect(
        stored.map((doc) => doc.n as number),
        mode,
      ).to.deep.equal([1, 1, 1]);
      // Atomic writes take the one batch; lock rows take each document on its own.
      expect({ batches, singles }, mode).to.deep.equal(
        mode === 'auto' ? { batches: 1, singles: 0 } : { batches: 0, singles: 3 },
      );
    }
  });
});
