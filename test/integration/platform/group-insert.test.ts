import { expect } from 'chai';
import { connectMongo, GroupInsert, type Connection } from '../../../src/platform/db/index.js';
import { createLogger } from '../../../src/platform/index.js';
import { isolatedUrls } from '../../helpers/services.js';

describe('store: inserts group-committed (GroupInsert)', () => {
  let db: Connection;
  let inserts = 0;

  before(async () => {
    db = await connectMongo(isolatedUrls('group-insert').mongodbUri, createLogger('silent'), {
      onCommand: (event) => {
        if (event.commandName === 'insert') inserts++;
      },
    });
  });

  after(async () => {
    await db.close();
  });

  const things = (name: string) => () => {
    if (!db.db) throw new Error('not connected');
    return db.db.collection(name);
  };

  it('when twenty callers insert at once, then the first goes alone and the other nineteen share one write, each answered for its own documents', async () => {
    const group = new GroupInsert(things('shared'));
    const before = inserts;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => group.insert([{ _id: `a${i}` }, { _id: `b${i}` }])),
    );
    expect(inserts - before).to.equal(2);
    expect(answers).to.deep.equal(Array.from({ length: 20 }, () => [true, true]));
    expect(await things('shared')().countDocuments()).to.equal(40);
  });

  it('when some documents are stored already, then they are answered false, and the rest of the same write goes in', async () => {
    const group = new GroupInsert(things('again'));
    await group.insert([{ _id: 'x', v: 1 }]);
    const [first, second] = await Promise.all([
      group.insert([{ _id: 'warm-up' }]),
      group.insert([{ _id: 'x', v: 2 }, { _id: 'y' }]),
    ]);
    expect(first).to.deep.equal([true]);
    expect(second).to.deep.equal([false, true]);
    expect(await things('again')().findOne({ _id: 'x' as never })).to.deep.include({ v: 1 });
  });

  it('when one caller sends a document the store refuses for another reason, then only that caller fails', async () => {
    const group = new GroupInsert(things('refused'));
    const answers = await Promise.allSettled([
      group.insert([{ _id: 'first' }]),
      group.insert([{ _id: 'fine' }]),
      // An array is no valid `_id`.
      group.insert([{ _id: ['not', 'an', 'id'] }]),
      group.insert([{ _id: 'also-fine' }]),
    ]);
    expect(answers.map((answer) => answer.status)).to.deep.equal([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const ids = (await things('refused')().find().toArray()).map((doc) => String(doc._id)).sort();
    expect(ids).to.deep.equal(['also-fine', 'fine', 'first']);
  });
});
