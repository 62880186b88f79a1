import { expect } from 'chai';
import { connectMongo } from '../../../src/platform/db/index.js';
import { createLogger } from '../../../src/platform/index.js';
import { isolatedUrls } from '../../helpers/services.js';

/**
 * Our FerretDB build narrows three filter shapes in SQLite before decoding rows (tools/ferretdb,
 * govcert_pushdown.go): a non-empty array (`{"f.0": {$exists: true}}`), a true flag (`{f: true}`) and a
 * text one level down (`{"f.g": "text"}`, the notification dispatcher's `{"notifications.status": "pending"}`).
 * Narrowing must never drop a document MongoDB would match: the relay's outbox sweep and the triage
 * reconciler rely on these answers to find work left by crashed processes.
 */
describe('store: filters narrowed before decoding answer as MongoDB does', () => {
  const docs = [
    { _id: 'empty', items: [], flag: false },
    { _id: 'one', items: ['a'], flag: true },
    { _id: 'many', items: [{ x: 1 }, { x: 2 }], flag: [false, true] },
    { _id: 'missing' },
    { _id: 'object', items: { 0: 'zero' }, flag: [false] },
    { _id: 'nulls', items: null, flag: null },
    { _id: 'scalar', items: 'a', flag: 1 },
    { _id: 'strings', items: [''], flag: 'true' },
  ];

  it('when a sweep asks for non-empty arrays or true flags, then every matching document comes back and no other', async () => {
    const db = await connectMongo(isolatedUrls('pushdown').mongodbUri, createLogger('silent'));
    try {
      const collection = db.db!.collection<Record<string, unknown> & { _id: string }>('things');
      await collection.insertMany(docs);
      const ids = async (filter: Record<string, unknown>) =>
        (await collection.find(filter).toArray()).map((doc) => doc._id).sort();

      expect(await ids({ 'items.0': { $exists: true } })).to.deep.equal(['many', 'object', 'one', 'strings']);
      expect(await ids({ flag: true })).to.deep.equal(['many', 'one']);
      // Combined with other conditions: the narrowing is one conjunct, the rest still applies.
      expect(await ids({ 'items.0': { $exists: true }, flag: true })).to.deep.equal(['many', 'one']);
      expect(await ids({ 'items.0': { $exists: true }, _id: { $ne: 'one' } })).to.deep.equal([
        'many',
        'object',
        'strings',
      ]);
      // Shapes that are not narrowed still answer right.
      expect(await ids({ 'items.0': { $exists: false } })).to.deep.equal([
        'empty',
        'missing',
        'nulls',
        'scalar',
      ]);
      expect(await ids({ flag: false })).to.deep.equal(['empty', 'many', 'object']);
      // A write through the same filter (the reconcilers' claims) sees the same documents.
      const updated = await collection.updateMany({ flag: true }, { $set: { seen: true } });
      expect(updated.modifiedCount).to.equal(2);
    } finally {
      await db.close();
    }
  });

  it('when a sweep asks for either of two non-empty arrays in one $or, then every matching document comes back and no other', async () => {
    const db = await connectMongo(isolatedUrls('pushdown-or').mongodbUri, createLogger('silent'));
    try {
      const collection = db.db!.collection<Record<string, unknown> & { _id: string }>('things');
      await collection.insertMany([
        { _id: 'neither', drafts: [], jobs: [] },
        { _id: 'drafts', drafts: ['d'], jobs: [] },
        { _id: 'jobs', drafts: [], jobs: [{ name: 'j' }] },
        { _id: 'both', drafts: ['d'], jobs: ['j'] },
        { _id: 'jobs-only-field', jobs: ['j'] },
        { _id: 'missing' },
        { _id: 'object', drafts: { 0: 'zero' } },
        { _id: 'scalars', drafts: 'd', jobs: 1 },
      ]);
      const ids = async (filter: Record<string, unknown>) =>
        (await collection.find(filter).toArray()).map((doc) => doc._id).sort();
      const either = { $or: [{ 'drafts.0': { $exists: true } }, { 'jobs.0': { $exists: true } }] };

      expect(await ids(either)).to.deep.equal(['both', 'drafts', 'jobs', 'jobs-only-field', 'object']);
      expect(await ids({ ...either, _id: { $ne: 'both' } })).to.deep.equal([
        'drafts',
        'jobs',
        'jobs-only-field',
        'object',
      ]);
      // A branch the store cannot narrow leaves the whole $or to the handler, which still answers right.
      expect(await ids({ $or: [{ 'drafts.0': { $exists: true } }, { _id: 'missing' }] })).to.deep.equal([
        'both',
        'drafts',
        'missing',
        'object',
      ]);
      expect(await ids({ $or: [{ 'drafts.0': { $exists: true } }, { jobs: 1 }] })).to.deep.equal([
        'both',
        'drafts',
        'object',
        'scalars',
      ]);
      expect(
        await collection.countDocuments({
          $or: [{ 'drafts.0': { $exists: true } }],
          jobs: { $exists: false },
        }),
      ).to.equal(1);
    } finally {
      await db.close();
    }
  });

  it('when a sweep asks for a text one level down, then documents match as MongoDB matches dotted paths', async () => {
    const db = await connectMongo(isolatedUrls('pushdown-dotted').mongodbUri, createLogger('silent'));
    try {
      const collection = db.db!.collection<Record<string, unknown> & { _id: string }>('things');
      await collection.insertMany([
        { _id: 'array-match', n: [{ s: 'sent' }, { s: 'pending' }] },
        { _id: 'array-other', n: [{ s: 'sent' }] },
        { _id: 'object-match', n: { s: 'pending' } },
        { _id: 'object-array', n: { s: ['sent', 'pending'] } },
        { _id: 'element-array', n: [{ s: ['pending'] }] },
        { _id: 'missing' },
        { _id: 'scalar', n: 'pending' },
        { _id: 'other-field', n: [{ t: 'pending' }] },
        { _id: 'number', n: [{ s: 1 }] },
        { _id: 'deeper', n: { x: { s: 'pending' } } },
        { _id: 'quote', n: [{ s: "it's" }] },
      ]);
      const ids = async (filter: Record<string, unknown>) =>
        (await collection.find(filter).toArray()).map((doc) => doc._id).sort();

      expect(await ids({ 'n.s': 'pending' })).to.deep.equal([
        'array-match',
        'element-array',
        'object-array',
        'object-match',
      ]);
      expect(await ids({ 'n.s': "it's" })).to.deep.equal(['quote']);
      expect(await ids({ 'n.s': 'pending', _id: { $ne: 'array-match' } })).to.deep.equal([
        'element-array',
        'object-array',
        'object-match',
      ]);
      // Values the store does not narrow still answer right.
      expect(await ids({ 'n.s': 1 })).to.deep.equal(['number']);
      expect(await ids({ 'n.s': { $in: ['sent'] } })).to.deep.equal([
        'array-match',
        'array-other',
        'object-array',
      ]);
    } finally {
      await db.close();
    }
  });
});
